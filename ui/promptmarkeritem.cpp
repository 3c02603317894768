// Prompt markers.
#include "ui/promptmarkeritem.h"

#include <QCursor>
#include <QPainter>

namespace samdesk {

PromptMarkerItem::PromptMarkerItem(int promptId, bool foreground, QGraphicsItem* parent)
    : QGraphicsItem(parent), m_id(promptId), m_foreground(foreground) {
    setFlag(ItemIgnoresTransformations);
    setZValue(10);
    setCursor(Qt::SizeAllCursor);
    setToolTip(foreground ? QObject::tr("Foreground point (drag to move, Delete to remove)")
                          : QObject::tr("Background point (drag to move, Delete to remove)"));
}

void PromptMarkerItem::setMarkerSelected(bool selected) {
    if (m_selected != selected) {
        m_selected = selected;
        update();
    }
}

QRectF PromptMarkerItem::boundingRect() const {
    const qreal r = kRadius + 4;
    return QRectF(-r, -r, 2 * r, 2 * r);
}

QPainterPath PromptMarkerItem::shape() const {
    QPainterPath p;
    p.addEllipse(QPointF(0, 0), kRadius + 2, kRadius + 2);
    return p;
}

void PromptMarkerItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing);
    if (m_selected) {
        painter->setPen(QPen(Qt::white, 3));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(QPointF(0, 0), kRadius + 2.5, kRadius + 2.5);
    }
    const QColor fill = m_foreground ? QColor(40, 200, 90) : QColor(230, 60, 60);
    painter->setPen(QPen(QColor(20, 20, 20), 1.5));
    painter->setBrush(fill);
    painter->drawEllipse(QPointF(0, 0), kRadius, kRadius);
    painter->setPen(QPen(Qt::white, 2, Qt::SolidLine, Qt::RoundCap));
    const qreal a = kRadius * 0.55;
    painter->drawLine(QPointF(-a, 0), QPointF(a, 0));
    if (m_foreground)
        painter->drawLine(QPointF(0, -a), QPointF(0, a));
}

}  // namespace samdesk
