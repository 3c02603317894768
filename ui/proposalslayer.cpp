// The proposals layer: outlines as QPainterPaths built in sync() (and, zoomed out, coarser copies
// built once per level), culled against the exposed rectangle in paint().
#include "ui/proposalslayer.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace samdesk {

namespace {

// Colours far apart for neighbours in the list: hues a golden angle apart, bright and saturated
// so that they stand out on a photo (a dark line beside them for light backgrounds).
QColor proposalColor(int index) {
    const int hue = int(std::lround(index * 137.508)) % 360;
    return QColor::fromHsv(hue, 200, 255);
}

// `ring` with the vertices closer than `step` (in x and y) to the last one kept merged; its box
// when fewer than three are left.
QPolygonF coarseRing(const QPolygonF& ring, double step) {
    QPolygonF out;
    out.append(ring.first());
    for (const QPointF& p : ring)
        if (std::max(std::abs(p.x() - out.last().x()), std::abs(p.y() - out.last().y())) >= step)
            out.append(p);
    if (out.size() >= 3)
        return out;
    const QRectF r = ring.boundingRect();
    return QPolygonF(r);
}

qint64 vertices(const QPainterPath& path) {
    return path.elementCount();
}

}  // namespace

ProposalsLayer::ProposalsLayer(QGraphicsItem* parent) : QGraphicsItem(parent) {
    setAcceptedMouseButtons(Qt::NoButton);  // the canvas routes the review's clicks itself
    // The exposed rectangle in paint(): a hover change repaints the two proposals' boxes only.
    setFlag(ItemUsesExtendedStyleOption);
}

void ProposalsLayer::sync(const QVector<DocumentProposals::Proposal>& proposals, QSize size) {
    prepareGeometryChange();
    m_area = QRectF(QPointF(0, 0), QSizeF(size));
    m_paths.clear();
    m_hovered = -1;
    for (int i = 0; i < proposals.size(); ++i) {
        const DocumentProposals::Proposal& p = proposals[i];
        if (p.status != DocumentProposals::Status::Pending || p.outline.empty())
            continue;
        Drawn d;
        d.index = i;
        d.color = proposalColor(i);
        QPainterPath path;
        double largest = -1;
        for (const Polygon& ring : p.outline) {
            if (ring.empty())
                continue;
            QPolygonF poly;
            poly.reserve(qsizetype(ring.size()));
            for (const PointF& v : ring)
                poly.append(QPointF(v.x, v.y));
            const QRectF box = poly.boundingRect();
            if (box.width() * box.height() > largest) {
                largest = box.width() * box.height();
                d.largest = int(d.rings.size());
            }
            path.addPolygon(poly);
            path.closeSubpath();
            d.rings.append(std::move(poly));
        }
        d.bounds = path.boundingRect().adjusted(-1, -1, 1, 1);
        d.levels.resize(kMaxLevel + 1);
        d.vertices.fill(-1, kMaxLevel + 1);
        d.vertices[0] = int(vertices(path));
        d.levels[0] = std::move(path);
        m_paths.append(std::move(d));
    }
    update();
}

void ProposalsLayer::clear() {
    if (m_paths.isEmpty())
        return;
    m_paths.clear();
    m_hovered = -1;
    update();
}

int ProposalsLayer::levelFor(double scale) {
    if (!(scale < 0.5))
        return 0;
    return std::clamp(int(std::floor(std::log2(1.0 / scale))), 1, kMaxLevel);
}

const QPainterPath& ProposalsLayer::pathAt(Drawn& d, int level) {
    if (d.vertices[level] >= 0)
        return d.levels[level];
    const double step = std::ldexp(1.0, level);
    const double minSide = kMinRingSide * step;
    QPainterPath path;
    for (int r = 0; r < d.rings.size(); ++r) {
        const QPolygonF& ring = d.rings[r];
        const QRectF box = ring.boundingRect();
        if (r != d.largest && box.width() < minSide && box.height() < minSide)
            continue;  // a few screen pixels at most: a speck
        path.addPolygon(coarseRing(ring, step));
        path.closeSubpath();
    }
    d.vertices[level] = int(vertices(path));
    d.levels[level] = std::move(path);
    return d.levels[level];
}

int ProposalsLayer::vertexCount(int i, int level) {
    Drawn& d = m_paths[i];
    pathAt(d, std::clamp(level, 0, kMaxLevel));
    return d.vertices[std::clamp(level, 0, kMaxLevel)];
}

const ProposalsLayer::Drawn* ProposalsLayer::drawnFor(int index) const {
    for (const Drawn& d : m_paths)
        if (d.index == index)
            return &d;
    return nullptr;
}

void ProposalsLayer::setHovered(int index) {
    if (!drawnFor(index))
        index = -1;
    if (index == m_hovered)
        return;
    for (const int i : {m_hovered, index})
        if (const Drawn* d = drawnFor(i))
            update(d->bounds);
    m_hovered = index;
}

void ProposalsLayer::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    m_lastPaths = 0;
    m_lastVertices = 0;
    if (m_paths.isEmpty())
        return;
    const qreal scale = painter->worldTransform().m11();
    const int level = levelFor(scale);
    m_lastLevel = level;
    const qreal pad = 3.0 / std::max(scale, qreal(1e-3));  // the lines' reach, in image pixels
    const QRectF area = option->exposedRect.adjusted(-pad, -pad, pad, pad);
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (Drawn& d : m_paths)
        if (d.index == m_hovered && d.bounds.intersects(area)) {
            QColor fill = d.color;
            fill.setAlpha(kHoverAlpha);
            painter->fillPath(pathAt(d, level), fill);
        }
    painter->setBrush(Qt::NoBrush);
    // One-pixel cosmetic pens only: Qt's raster engine strokes those with its fast line stroker,
    // any wider pen goes through the general path stroker (14x slower, a 48 MP photo's speckled
    // proposals took seconds). The outline is a coloured line with a dark one a screen pixel down
    // and right of it (visible on light backgrounds); the hovered one white, twice as thick.
    const qreal px = 1.0 / std::max(scale, qreal(1e-3));  // a screen pixel, in image pixels
    QPen shadow(QColor(0, 0, 0, 170), 1.0);
    shadow.setCosmetic(true);
    QPen pen(Qt::white, 1.0);
    pen.setCosmetic(true);
    for (Drawn& d : m_paths) {
        if (!d.bounds.intersects(area))
            continue;
        const QPainterPath& path = pathAt(d, level);
        const bool hot = d.index == m_hovered;
        painter->setPen(shadow);
        painter->translate(px, px);
        painter->drawPath(path);
        painter->translate(-px, -px);
        pen.setColor(hot ? QColor(Qt::white) : d.color);
        painter->setPen(pen);
        painter->drawPath(path);
        if (hot) {
            painter->translate(px, 0);
            painter->drawPath(path);
            painter->translate(-px, 0);
        }
        ++m_lastPaths;
        m_lastVertices += d.vertices[level];
    }
}

}  // namespace samdesk
