// Stroke preview painting: one round-capped pen over the whole polyline (translucent colours do
// not add up where the stroke crosses itself), repainted segment by segment.
#include "ui/strokepreviewitem.h"

#include <QPainter>

namespace samdesk {

StrokePreviewItem::StrokePreviewItem(QGraphicsItem* parent) : QGraphicsItem(parent) {
    setAcceptedMouseButtons(Qt::NoButton);
}

void StrokePreviewItem::setArea(const QRectF& area) {
    prepareGeometryChange();
    m_area = area;
    m_points.clear();
}

QRectF StrokePreviewItem::segmentRect(QPointF a, QPointF b) const {
    const double m = m_radius + 2;  // antialiased edge
    return QRectF(a, b).normalized().adjusted(-m, -m, m, m);
}

void StrokePreviewItem::begin(QPointF point, double radius, const QBrush& fill) {
    clear();
    m_radius = radius;
    m_fill = fill;
    m_points.append(point);
    update(segmentRect(point, point));
}

void StrokePreviewItem::addPoint(QPointF point) {
    if (m_points.isEmpty() || m_points.last() == point)
        return;
    const QPointF last = m_points.last();
    m_points.append(point);
    update(segmentRect(last, point));
}

void StrokePreviewItem::clear() {
    if (m_points.isEmpty())
        return;
    update(
        m_points.boundingRect().adjusted(-m_radius - 2, -m_radius - 2, m_radius + 2, m_radius + 2));
    m_points.clear();
}

void StrokePreviewItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    if (m_points.isEmpty())
        return;
    painter->setClipRect(m_area, Qt::IntersectClip);  // the stroke never paints off the image
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    if (m_points.size() == 1) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(m_fill);
        painter->drawEllipse(m_points.first(), m_radius, m_radius);
        return;
    }
    painter->setPen(QPen(m_fill, 2 * m_radius, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    painter->drawPolyline(m_points);
}

}  // namespace samdesk
