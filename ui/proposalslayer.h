// The canvas's layer of segment everything's proposals under review: each pending proposal's
// outline (its parts' outer rings) stroked with a cosmetic pen in a colour of its own, and the one
// under the cursor filled translucently. The paths are built once per change of the proposals
// (sync()), never per paint, and a paint strokes only those that cross the exposed rectangle.
// Zoomed out, a paint uses a coarser copy of each outline (built once per zoom level): vertices
// closer than a screen pixel merged, parts under a few screen pixels left out (but never a
// proposal's largest part), so ~100 proposals on a 48 MP photo cost what the screen can show, not
// every bend of every speckle. Image pixels.
#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>
#include <QSize>
#include <QVector>

#include "core/document/documentproposals.h"

namespace samdesk {

class ProposalsLayer : public QGraphicsItem {
public:
    static constexpr int kHoverAlpha = 90;
    static constexpr int kMaxLevel = 12;
    // At level k (k >= 1) vertices closer than 2^k image pixels merge and rings whose box is
    // under kMinRingSide * 2^k pixels on both sides go.
    static constexpr int kMinRingSide = 4;

    explicit ProposalsLayer(QGraphicsItem* parent = nullptr);

    // Draws the pending ones of `proposals` (the document's list) over an image of `size`; the
    // others (accepted: now objects; rejected) are left out. Clears the hover.
    void sync(const QVector<DocumentProposals::Proposal>& proposals, QSize size);
    void clear();

    // The proposal (an index into the document's list) drawn filled; -1: none.
    void setHovered(int index);
    int hovered() const { return m_hovered; }

    // What is drawn, for tests: one path per pending proposal, in the document's order (the
    // outline as given: level 0).
    int pathCount() const { return int(m_paths.size()); }
    const QPainterPath& path(int i) const { return m_paths[i].levels[0]; }
    int proposalIndex(int i) const { return m_paths[i].index; }
    QColor color(int i) const { return m_paths[i].color; }
    // The level a paint at `scale` (screen pixels per image pixel) uses: 0 from 1/2 up, else
    // floor(log2(1 / scale)), so that 2^level image pixels are at most one screen pixel.
    static int levelFor(double scale);
    // Vertices of proposal i's outline at `level` (built when needed).
    int vertexCount(int i, int level);
    // The last paint's level, and the paths and vertices it stroked.
    int lastPaintLevel() const { return m_lastLevel; }
    int lastPaintPaths() const { return m_lastPaths; }
    qint64 lastPaintVertices() const { return m_lastVertices; }

    QRectF boundingRect() const override { return m_area; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    struct Drawn {
        int index = -1;                // in the document's list
        QVector<QPolygonF> rings;      // the outline as given
        int largest = 0;               // the ring with the largest box
        QVector<QPainterPath> levels;  // [k]: the path at level k; empty until needed (k >= 1)
        QVector<int> vertices;         // per level, -1 until built
        QRectF bounds;                 // the path's, a pixel larger (a straight run has no area)
        QColor color;
    };
    const QPainterPath& pathAt(Drawn& d, int level);
    const Drawn* drawnFor(int index) const;

    QRectF m_area;
    QVector<Drawn> m_paths;
    int m_hovered = -1;
    int m_lastLevel = 0;
    int m_lastPaths = 0;
    qint64 m_lastVertices = 0;
};

}  // namespace samdesk
