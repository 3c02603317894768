// The live preview of a brush or eraser stroke on the canvas: the polyline through the mouse
// positions stroked with a round pen 2 * radius wide (image pixels), in the target object's
// colour (brush) or in the image itself (eraser: what is erased shows the bare image). Its bounds
// are the image's, fixed for the whole stroke, and each new point repaints only its own segment:
// a drag costs the stroke, never the image (a 48 MP photo stays interactive).
#pragma once

#include <QBrush>
#include <QGraphicsItem>
#include <QPolygonF>

namespace samdesk {

class StrokePreviewItem : public QGraphicsItem {
public:
    explicit StrokePreviewItem(QGraphicsItem* parent = nullptr);

    // The image's rectangle (image pixels): the item's bounds and where it may paint.
    void setArea(const QRectF& area);
    // A new stroke at `point` (image pixels) with `radius` (image pixels), painted with `fill`
    // (a colour, or a texture brush of the image with the image item's transform).
    void begin(QPointF point, double radius, const QBrush& fill);
    void addPoint(QPointF point);
    void clear();
    bool isEmpty() const { return m_points.isEmpty(); }
    const QPolygonF& points() const { return m_points; }

    QRectF boundingRect() const override { return m_area; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF segmentRect(QPointF a, QPointF b) const;

    QRectF m_area;
    QPolygonF m_points;
    double m_radius = 0;
    QBrush m_fill;
};

}  // namespace samdesk
