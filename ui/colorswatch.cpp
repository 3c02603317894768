// Drawn list icons.
#include "ui/colorswatch.h"

#include <QPainter>
#include <QPixmap>

namespace samdesk {

QIcon colorSwatch(const QColor& color, int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(0, 0, 0, 140), 1));
    p.setBrush(color);
    p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3);
    return QIcon(pm);
}

QIcon annotatedMark(bool annotated, int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    if (annotated) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(46, 160, 67));
        p.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1));
        p.setPen(QPen(Qt::white, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        const qreal s = size;
        p.drawPolyline(QPolygonF{{s * 0.27, s * 0.52}, {s * 0.44, s * 0.69}, {s * 0.74, s * 0.34}});
    } else {
        p.setPen(QPen(QColor(140, 140, 140), 1.2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QRectF(1, 1, size - 2, size - 2));
    }
    return QIcon(pm);
}

}  // namespace samdesk
