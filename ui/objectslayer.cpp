// The objects layer: what changed is found by hashing each object's mask tile by tile and
// comparing with the hashes of what was drawn, and only those tiles of the composite are cleared
// and painted again from every object under them.
#include "ui/objectslayer.h"

#include <QGraphicsScene>
#include <QGraphicsView>
#include <QPainter>
#include <QSet>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cstring>

#include "core/document/imageconvert.h"
#include "ui/maskoutline.h"

namespace samdesk {

namespace {

QRect toQRect(const PixelRect& r) {
    return QRect(r.x, r.y, r.width, r.height);
}

// A 64-bit hash of the mask's pixels in `r` (inside the mask): four independent lanes of eight
// bytes, so that the multiplications overlap (a 48 MP mask in a few milliseconds).
quint64 hashRect(const BinaryMask& mask, const QRect& r) {
    constexpr quint64 kMul = 0x9E3779B97F4A7C15ull;
    quint64 lane[4] = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull, 0x2545F4914F6CDD1Dull,
                       0x4F6CDD1D2545F491ull};
    auto mix = [](quint64 h, quint64 word) {
        h = (h ^ word) * kMul;
        return h ^ (h >> 31);
    };
    const std::size_t w = std::size_t(mask.width());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const std::uint8_t* p = mask.data() + std::size_t(y) * w + std::size_t(r.left());
        int n = r.width();
        for (; n >= 32; n -= 32, p += 32) {
            quint64 words[4];
            std::memcpy(words, p, 32);
            for (int k = 0; k < 4; ++k)
                lane[k] = mix(lane[k], words[k]);
        }
        for (int k = 0; n >= 8; n -= 8, p += 8, ++k) {
            quint64 word;
            std::memcpy(&word, p, 8);
            lane[k] = mix(lane[k], word);
        }
        quint64 tail = quint64(n) << 56;
        std::memcpy(&tail, p, std::size_t(n));  // n < 8: the low bytes
        lane[0] = mix(lane[0], tail ^ quint64(y));
    }
    return mix(mix(mix(lane[0], lane[1]), lane[2]), lane[3]);
}

}  // namespace

ObjectsLayer::ObjectsLayer(QGraphicsItem* parent) : QGraphicsItem(parent) {
    setAcceptedMouseButtons(Qt::NoButton);
    // The exposed rectangle in paint(): a partial repaint draws only its part of the composite.
    setFlag(ItemUsesExtendedStyleOption);
}

void ObjectsLayer::clear() {
    if (m_composite.isNull() && m_cache.isEmpty())
        return;
    prepareGeometryChange();
    m_composite = QImage();
    m_cache.clear();
    m_order.clear();
    m_outlines.clear();
    m_highlighted = 0;
    update();
}

QRectF ObjectsLayer::boundingRect() const {
    // Room for the cosmetic pens around outlines on the image's border.
    return m_composite.isNull()
               ? QRectF()
               : QRectF(QPointF(0, 0), QSizeF(m_composite.size())).adjusted(-2, -2, 2, 2);
}

ObjectsLayer::Cached ObjectsLayer::cacheFor(const Object& o) const {
    Cached c;
    const BinaryMask& m = *o.mask;
    c.bounds = toQRect(m.boundingBox());
    c.color = o.color;
    const int cols = (m.width() + kCheckTile - 1) / kCheckTile;
    const int rows = (m.height() + kCheckTile - 1) / kCheckTile;
    c.hashes.resize(std::size_t(cols) * std::size_t(rows));
    const QRect image(0, 0, m.width(), m.height());
    for (int ty = 0; ty < rows; ++ty)
        for (int tx = 0; tx < cols; ++tx)
            c.hashes[std::size_t(ty * cols + tx)] = hashRect(
                m,
                QRect(tx * kCheckTile, ty * kCheckTile, kCheckTile, kCheckTile).intersected(image));
    return c;
}

QRect ObjectsLayer::changedTiles(Cached& c, const BinaryMask& m, const QRect& area) const {
    const QRect image(0, 0, m.width(), m.height());
    const QRect a = area.intersected(image);
    QRect changed;
    if (a.isEmpty())
        return changed;
    const int cols = (m.width() + kCheckTile - 1) / kCheckTile;
    for (int ty = a.top() / kCheckTile; ty <= a.bottom() / kCheckTile; ++ty)
        for (int tx = a.left() / kCheckTile; tx <= a.right() / kCheckTile; ++tx) {
            const QRect tile =
                QRect(tx * kCheckTile, ty * kCheckTile, kCheckTile, kCheckTile).intersected(image);
            const quint64 h = hashRect(m, tile);
            quint64& old = c.hashes[std::size_t(ty * cols + tx)];
            if (h != old) {
                old = h;
                changed |= tile;
            }
        }
    return changed;
}

void ObjectsLayer::redoTiles(Cached& c, const BinaryMask& mask, const QRect& area) {
    const QRect image(0, 0, mask.width(), mask.height());
    const QRect a = area.intersected(image);
    if (a.isEmpty())
        return;
    const int perRow = (image.width() + kTile - 1) / kTile;
    for (int ty = a.top() / kTile; ty <= a.bottom() / kTile; ++ty)
        for (int tx = a.left() / kTile; tx <= a.right() / kTile; ++tx) {
            QPainterPath path = maskOutlineTile(mask, QRect(tx * kTile, ty * kTile, kTile, kTile));
            if (path.isEmpty())
                c.tiles.remove(ty * perRow + tx);
            else
                c.tiles.insert(ty * perRow + tx, std::move(path));
        }
}

void ObjectsLayer::rebuildAll(const std::vector<Object>& objects, QSize size) {
    prepareGeometryChange();
    m_cache.clear();
    m_composite = QImage(size, QImage::Format_ARGB32_Premultiplied);
    m_composite.fill(Qt::transparent);
    for (const Object& o : objects) {
        Cached c = cacheFor(o);
        // Edges on an object's right and bottom sides lie in the next column and row.
        redoTiles(c, *o.mask, c.bounds.adjusted(0, 0, 1, 1));
        m_cache.insert(o.id, std::move(c));
    }
    m_lastRepainted = repaintFills(objects, QRect(QPoint(0, 0), size));
    update();
}

qint64 ObjectsLayer::repaintFills(const std::vector<Object>& objects, const QRect& dirty) {
    const QRect area = dirty.intersected(QRect(QPoint(0, 0), m_composite.size()));
    if (area.isEmpty())
        return 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        std::memset(m_composite.scanLine(y) + std::size_t(area.left()) * 4, 0,
                    std::size_t(area.width()) * 4);
    for (const Object& o : objects) {
        const Cached& c = m_cache[o.id];
        const QRect r = c.bounds.intersected(area);
        if (r.isEmpty())
            continue;
        QColor fill = c.color;
        fill.setAlpha(kFillAlpha);
        paintMask(m_composite, *o.mask, fill, fill, r);
    }
    return qint64(area.width()) * area.height();
}

void ObjectsLayer::rebuildOutlines(const std::vector<Object>& objects) {
    m_outlines.clear();
    // One-pixel lines: Qt's raster engine strokes them directly, wider ones go through its
    // general stroker (about 14x slower on a long outline; the objects are filled anyway). Only
    // the highlighted object gets a wide white line under its own.
    QPen bold(Qt::white, 3.0);
    bold.setCosmetic(true);
    for (const Object& o : objects) {
        const Cached& c = m_cache[o.id];
        QPen pen(c.color, 1.0);
        pen.setCosmetic(true);
        for (const QPen& p : o.id == m_highlighted ? QList<QPen>{bold, pen} : QList<QPen>{pen})
            for (const QPainterPath& path : c.tiles) {
                const QRectF bounds = path.boundingRect().adjusted(-1, -1, 1, 1);
                // A solid shape's edge runs (two elements each) number about its box's
                // perimeter, a wiggly natural outline twice that; speckle (what random
                // weights or a noisy import make) many times that.
                const bool speckle =
                    path.elementCount() > 4 * (bounds.width() + bounds.height()) + 64;
                m_outlines.append({path, bounds, p, speckle});
            }
    }
}

void ObjectsLayer::sync(const std::vector<Object>& objects, QSize size, int highlighted,
                        const QRect& changedWithin) {
    if (objects.empty() || size.isEmpty()) {
        clear();
        return;
    }
    QList<int> ids;
    QSet<int> present;
    for (const Object& o : objects) {
        ids.append(o.id);
        present.insert(o.id);
    }
    // Objects drawn before and now must keep their order (who lies on top), else all is redone.
    QList<int> before, now;
    for (int id : m_order)
        if (present.contains(id))
            before.append(id);
    for (int id : ids)
        if (m_cache.contains(id))
            now.append(id);
    if (m_composite.size() != size || before != now) {
        m_order = ids;
        m_highlighted = highlighted;
        rebuildAll(objects, size);
        rebuildOutlines(objects);
        return;
    }
    QRect dirty;    // fills to paint again
    QRect outline;  // where outlines changed
    for (const Object& o : objects) {
        auto it = m_cache.find(o.id);
        if (it == m_cache.end()) {
            Cached c = cacheFor(o);
            redoTiles(c, *o.mask, c.bounds.adjusted(0, 0, 1, 1));
            dirty |= c.bounds;
            outline |= c.bounds;
            m_cache.insert(o.id, std::move(c));
            continue;
        }
        Cached& c = *it;
        const QRect diff = changedTiles(
            c, *o.mask, changedWithin.isNull() ? QRect(QPoint(0, 0), size) : changedWithin);
        if (!diff.isEmpty()) {
            c.bounds = c.bounds.isEmpty() ? diff : c.bounds.united(diff);
            // A pixel's edges lie on its own row and column and the next ones.
            redoTiles(c, *o.mask, diff.adjusted(0, 0, 1, 1));
            dirty |= diff;
            outline |= diff.adjusted(-1, -1, 1, 1);
        }
        if (o.color != c.color) {
            c.color = o.color;
            dirty |= c.bounds;
            outline |= c.bounds;
        }
    }
    for (auto it = m_cache.begin(); it != m_cache.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        dirty |= it->bounds;
        outline |= it->bounds;
        it = m_cache.erase(it);
    }
    if (highlighted != m_highlighted) {
        for (int id : {m_highlighted, highlighted})
            if (auto it = m_cache.constFind(id); it != m_cache.constEnd())
                outline |= it->bounds;
        m_highlighted = highlighted;
    }
    m_order = ids;
    if (!dirty.isEmpty())
        m_lastRepainted = repaintFills(objects, dirty);
    const QRect changed = dirty | outline;
    if (changed.isEmpty())
        return;
    rebuildOutlines(objects);
    // The bold outline reaches a few screen pixels past the pixels it follows.
    double zoom = 1.0;
    if (scene() && !scene()->views().isEmpty())
        zoom = std::max(scene()->views().first()->transform().m11(), 1e-3);
    const double pad = 3.0 / zoom + 1.0;
    update(QRectF(changed).adjusted(-pad, -pad, pad, pad));
}

void ObjectsLayer::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const QRectF exposed = option->exposedRect;
    const qreal scale = painter->worldTransform().m11();
    if (!m_composite.isNull()) {
        painter->setRenderHint(QPainter::SmoothPixmapTransform, scale < 1.0);
        // Only the exposed part: a stroke repaints a small piece of a large image.
        const QRect src =
            exposed.intersected(QRectF(QPointF(0, 0), QSizeF(m_composite.size()))).toAlignedRect();
        if (!src.isEmpty())
            painter->drawImage(QRectF(src), m_composite, src);
    }
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setBrush(Qt::NoBrush);
    const qreal pad = 3.0 / std::max(scale, qreal(1e-3));
    const QRectF area = exposed.adjusted(-pad, -pad, pad, pad);
    m_lastStroked = 0;
    for (const Outline& o : m_outlines) {
        if (!o.bounds.intersects(area))
            continue;
        // Zoomed out, a speckled tile's edges are finer than the screen's pixels and cost a
        // click's paint many times over (0.2 s on a 12 MP photo): its fill shows it.
        if (o.speckle && scale < 1.0)
            continue;
        painter->setPen(o.pen);
        painter->drawPath(o.path);
        ++m_lastStroked;
    }
}

}  // namespace samdesk
