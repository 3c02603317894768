// A canvas layer in image coordinates: a translucent image (masks in their colours) and, on top,
// an optional outline path stroked with a cosmetic pen (constant width on screen).
#pragma once

#include <QGraphicsItem>
#include <QImage>
#include <QPainterPath>
#include <QPen>

namespace samdesk {

class OverlayItem : public QGraphicsItem {
public:
    explicit OverlayItem(QGraphicsItem* parent = nullptr);

    void setImage(const QImage& image);  // premultiplied ARGB32, image size
    // An image covering `target` (in item coordinates, image pixels): a part of the image drawn
    // at the view's resolution.
    void setImage(const QImage& image, const QRectF& target);
    void setOutline(const QPainterPath& path, const QPen& pen);
    // Several outlines, each with its own pen (committed objects in their colours).
    void setOutlines(const QList<QPair<QPainterPath, QPen>>& outlines);
    void clear();
    bool isEmpty() const { return m_image.isNull() && m_outlines.isEmpty(); }
    const QImage& image() const { return m_image; }
    const QRectF& imageTarget() const { return m_target; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QImage m_image;
    QRectF m_target;  // where m_image lies, in image pixels
    QList<QPair<QPainterPath, QPen>> m_outlines;
    QRectF m_bounds;

    void updateBounds();
};

}  // namespace samdesk
