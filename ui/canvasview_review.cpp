// The canvas's review of segment everything's proposals: while any is pending, presses on the
// image go here before the tools see them. A click accepts or rejects the proposal under it (the
// smallest pending one, as DocumentProposals::proposalAt), a drag the proposals whose boxes lie
// inside the rectangle; a click on no proposal changes nothing and says so in the status bar.
#include <QGraphicsRectItem>
#include <QMouseEvent>

#include <cmath>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/proposalslayer.h"

namespace samdesk {

namespace {
constexpr int kDragThreshold = 4;  // screen pixels before a press becomes a rectangle
const QColor kAcceptBand(60, 220, 90), kRejectBand(240, 70, 60);
}  // namespace

void CanvasView::createReviewItems() {
    m_proposalsItem = new ProposalsLayer;
    m_proposalsItem->setZValue(6);  // over the objects, the mask and a stroke; under the prompts
    m_scene->addItem(m_proposalsItem);
    m_reviewBand = m_scene->addRect(QRectF());
    m_reviewBand->setZValue(11);
    m_reviewBand->hide();
    connect(m_document->proposals(), &DocumentProposals::proposalsChanged, this,
            &CanvasView::rebuildProposals);
}

bool CanvasView::reviewing() const {
    return m_document->proposals()->pendingCount() > 0;
}

void CanvasView::rebuildProposals() {
    m_proposalsItem->sync(m_document->proposals()->proposals(),
                          m_document->session()->image().size());
    m_hoverPixel = QPoint(-1, -1);
    if (!m_spaceHeld && m_drag != Drag::Pan)
        viewport()->setCursor(Qt::CrossCursor);  // the next move says whether one is under it
    if (reviewing()) {
        m_document->prediction()->endHover();  // the proposals' hover replaces the mask's
        updateBrushCursor(QPointF(), false);
    } else {
        m_reviewBand->hide();
        if (m_drag == Drag::ReviewPending || m_drag == Drag::ReviewBox)
            m_drag = Drag::None;  // the proposals went (a new image, undo) during the press
    }
}

void CanvasView::beginReview(QMouseEvent* event) {
    m_drag = Drag::ReviewPending;
    m_dragButton = event->button();
    m_pressPos = event->position().toPoint();
    m_pressImagePos = imagePointAt(m_pressPos);
    m_reviewReject = event->button() == Qt::RightButton ||
                     (event->modifiers() & (Qt::AltModifier | Qt::ShiftModifier));
    event->accept();
}

void CanvasView::moveReview(QMouseEvent* event, QPointF imagePos) {
    if (m_drag == Drag::ReviewPending &&
        (event->position().toPoint() - m_pressPos).manhattanLength() > kDragThreshold) {
        m_drag = Drag::ReviewBox;
        QPen pen(m_reviewReject ? kRejectBand : kAcceptBand, 1.5, Qt::DashLine);
        pen.setCosmetic(true);
        m_reviewBand->setPen(pen);
        QColor fill = pen.color();
        fill.setAlpha(40);
        m_reviewBand->setBrush(fill);
        m_reviewBand->show();
    }
    if (m_drag == Drag::ReviewBox)
        m_reviewBand->setRect(QRectF(m_pressImagePos, imagePos).normalized());
}

void CanvasView::finishReview(QMouseEvent* event, Drag drag) {
    DocumentProposals* proposals = m_document->proposals();
    m_reviewBand->hide();
    if (drag == Drag::ReviewBox) {
        const QRectF rect =
            QRectF(m_pressImagePos, imagePointAt(event->position().toPoint())).normalized();
        const QList<int> inside = proposals->proposalsInside(rect);
        if (inside.isEmpty())
            Q_EMIT m_document->message(
                tr("No proposal lies wholly inside the rectangle: nothing changed"));
        else if (m_reviewReject)
            proposals->reject(inside);
        else
            proposals->accept(inside);
        return;
    }
    // A click; a sloppy one that moved a little still counts (as for prompts).
    const int index = proposals->proposalAt(m_pressImagePos.x(), m_pressImagePos.y());
    if (index < 0) {
        Q_EMIT m_document->message(
            tr("Reviewing proposals: a click outside them does nothing. Click an outline to "
               "accept it, right-click to reject it; Enter accepts all, Esc rejects the rest"));
        return;
    }
    if (m_reviewReject)
        proposals->reject({index});
    else
        proposals->accept({index});
}

void CanvasView::updateReviewHover(QPointF imagePos) {
    // proposalAt walks the masks' runs: look it up once per image pixel, not per mouse event.
    const QPoint pixel(int(std::floor(imagePos.x())), int(std::floor(imagePos.y())));
    if (pixel == m_hoverPixel)
        return;
    m_hoverPixel = pixel;
    const int index = insideImage(imagePos)
                          ? m_document->proposals()->proposalAt(imagePos.x(), imagePos.y())
                          : -1;
    m_proposalsItem->setHovered(index);
    if (!m_spaceHeld)
        viewport()->setCursor(index >= 0 ? Qt::PointingHandCursor : Qt::CrossCursor);
}

}  // namespace samdesk
