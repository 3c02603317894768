// The canvas's layer of kept objects: each object's mask at the image's full resolution in its
// colour (translucent), with its outline on top (a vector path stroked with a one-pixel cosmetic
// pen, crisp at any zoom; bold white under the colour for the highlighted object; zoomed out,
// speckled tiles are left to the fill). Kept up to date piece by
// piece: sync() finds the tiles of each object that changed since it drew them (a hash per tile,
// not a copy of the mask) and repaints only those, and outlines are kept per tile too, so a brush
// stroke on a 48 MP photo costs the stroke, not the photo or the other objects. Image pixels.
#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QHash>
#include <QImage>
#include <QList>
#include <QPainterPath>
#include <QPen>

#include <vector>

#include "core/annotation/binarymask.h"

namespace samdesk {

class ObjectsLayer : public QGraphicsItem {
public:
    static constexpr int kTile = 256;      // outline tiles, image pixels
    static constexpr int kCheckTile = 64;  // tiles whose hash tells what changed
    static constexpr int kFillAlpha = 100;

    struct Object {
        int id = 0;
        const BinaryMask* mask = nullptr;  // the image's size
        QColor color;                      // opaque; the fill is made translucent
    };

    explicit ObjectsLayer(QGraphicsItem* parent = nullptr);

    // Draws `objects` (in drawing order, later ones on top) over an image of `size`, with
    // object `highlighted` outlined in bold (0: none). Repaints what changed since the last call.
    // `changedWithin`, when given, promises that the masks of objects drawn before changed only
    // inside it (a stroke's rectangle): only that part of them is looked at.
    void sync(const std::vector<Object>& objects, QSize size, int highlighted,
              const QRect& changedWithin = QRect());
    void clear();
    // The composite of the fills (premultiplied ARGB32, the image's size; null when empty).
    const QImage& composite() const { return m_composite; }
    // How many pixels of the composite the last sync() that changed a fill painted again.
    qint64 lastRepaintedPixels() const { return m_lastRepainted; }
    // The outline tiles the last paint stroked. Zoomed out (under 1:1), tiles of speckle (far
    // more edges than a solid shape in the tile) are left to the fill: their edges are finer
    // than the screen's pixels and cost a paint many times over.
    int lastStrokedTiles() const { return m_lastStroked; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    struct Cached {
        std::vector<quint64> hashes;  // per check tile, of the mask as drawn
        QRect bounds;                 // holds every set pixel (may be larger after erasing)
        QColor color;
        QHash<int, QPainterPath> tiles;  // outline per tile index; empty tiles left out
    };
    struct Outline {
        QPainterPath path;
        QRectF bounds;  // the path's, a pixel larger (a straight run has no area)
        QPen pen;
        bool speckle = false;  // far more edges than a solid shape in its box (see paint())
    };

    void rebuildAll(const std::vector<Object>& objects, QSize size);
    Cached cacheFor(const Object& o) const;
    // The check tiles of `area` whose hash changed (updated), as one rectangle.
    QRect changedTiles(Cached& c, const BinaryMask& mask, const QRect& area) const;
    void redoTiles(Cached& c, const BinaryMask& mask, const QRect& area);
    qint64 repaintFills(const std::vector<Object>& objects, const QRect& dirty);  // pixels
    void rebuildOutlines(const std::vector<Object>& objects);

    QImage m_composite;
    QHash<int, Cached> m_cache;
    QList<int> m_order;  // ids as last drawn
    int m_highlighted = 0;
    int m_lastStroked = 0;
    QList<Outline> m_outlines;  // drawing order; the highlighted object's twice (bold, colour)
    qint64 m_lastRepainted = 0;
};

}  // namespace samdesk
