// Overlay painting: the image scaled with the view (nearest pixels when zoomed in, so mask edges
// stay exact), the outline on top.
#include "ui/overlayitem.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace samdesk {

OverlayItem::OverlayItem(QGraphicsItem* parent) : QGraphicsItem(parent) {
    setAcceptedMouseButtons(Qt::NoButton);
}

void OverlayItem::updateBounds() {
    prepareGeometryChange();
    m_bounds = m_image.isNull() ? QRectF() : m_target;
    for (const auto& [path, pen] : m_outlines)
        m_bounds |= path.boundingRect();
    update();
}

void OverlayItem::setImage(const QImage& image) {
    setImage(image, QRectF(QPointF(0, 0), QSizeF(image.size())));
}

void OverlayItem::setImage(const QImage& image, const QRectF& target) {
    m_image = image;
    m_target = target;
    updateBounds();
}

void OverlayItem::setOutline(const QPainterPath& path, const QPen& pen) {
    m_outlines = {{path, pen}};
    updateBounds();
}

void OverlayItem::setOutlines(const QList<QPair<QPainterPath, QPen>>& outlines) {
    m_outlines = outlines;
    updateBounds();
}

void OverlayItem::clear() {
    m_image = QImage();
    m_outlines.clear();
    updateBounds();
}

QRectF OverlayItem::boundingRect() const {
    // Room for the cosmetic pen's width around the outline.
    return m_bounds.adjusted(-2, -2, 2, 2);
}

void OverlayItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const qreal scale = painter->worldTransform().m11();
    if (!m_image.isNull() && m_target.size() == QSizeF(m_image.size())) {
        painter->setRenderHint(QPainter::SmoothPixmapTransform, scale < 1.0);
        // Only the exposed part: a zoomed-in view paints a small piece of a large image.
        const QRectF exposed =
            option->exposedRect.intersected(m_target).translated(-m_target.topLeft());
        const QRect src = exposed.toAlignedRect();
        painter->drawImage(QRectF(src).translated(m_target.topLeft()), m_image, src);
    } else if (!m_image.isNull()) {
        // Made at the view's resolution for the visible part: one image pixel per screen pixel.
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(m_target, m_image);
    }
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setBrush(Qt::NoBrush);
    for (const auto& [path, pen] : m_outlines) {
        painter->setPen(pen);
        painter->drawPath(path);
    }
}

}  // namespace samdesk
