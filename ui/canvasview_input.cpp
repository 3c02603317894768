// The canvas's input: mouse presses, drags and releases turned into prompts or brush strokes (or,
// while proposals are pending, into their review: canvasview_review.cpp), panning, Space, Esc
// during a stroke.
#include <QKeyEvent>
#include <QScrollBar>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/promptmarkeritem.h"
#include "ui/proposalslayer.h"

namespace samdesk {

namespace {
constexpr int kDragThreshold = 4;  // screen pixels before a press becomes a drag
}

// ---- Mouse ------------------------------------------------------------------------------------

void CanvasView::mousePressEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    setFocus(Qt::MouseFocusReason);
    if (m_drag == Drag::Stroke) {
        event->accept();  // another button during a stroke changes nothing
        return;
    }
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_drag = Drag::Pan;
        m_pressPos = pos;
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    if (m_document->session()->image().isNull() ||
        (event->button() != Qt::LeftButton && event->button() != Qt::RightButton))
        return;
    // Pending proposals take the mouse from every tool until they are reviewed.
    if (reviewing()) {
        beginReview(event);
        return;
    }
    if (brushTool()) {
        updateBrushCursor(imagePointAt(pos), true);
        // Shift held erases with the brush; the eraser always erases.
        if (event->button() == Qt::LeftButton)
            beginStroke(imagePointAt(pos),
                        m_tool == Tool::Eraser || (event->modifiers() & Qt::ShiftModifier));
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton && !(event->modifiers() & Qt::AltModifier)) {
        if (PromptMarkerItem* m = markerAt(pos)) {
            selectPrompt(m->promptId());
            m_drag = Drag::Marker;
            m_dragMarker = m->promptId();
            event->accept();
            return;
        }
        // A click on the box's outline selects the box.
        const QRectF box = m_boxItem->isVisible() ? m_boxItem->rect() : QRectF();
        if (!box.isEmpty()) {
            const QRectF outer = box.adjusted(-4 / zoom(), -4 / zoom(), 4 / zoom(), 4 / zoom());
            const QRectF inner = box.adjusted(4 / zoom(), 4 / zoom(), -4 / zoom(), -4 / zoom());
            const QPointF p = imagePointAt(pos);
            if (outer.contains(p) && !inner.contains(p)) {
                selectPrompt(PromptState::kBoxId);
                event->accept();
                return;
            }
        }
    }
    m_drag = Drag::Pending;
    m_dragButton = event->button();
    m_pressPos = pos;
    m_pressImagePos = imagePointAt(pos);
    m_pressBackground =
        event->button() == Qt::RightButton || (event->modifiers() & Qt::AltModifier);
    event->accept();
}

void CanvasView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    const QPointF imagePos = imagePointAt(pos);
    Q_EMIT cursorMoved(imagePos, insideImage(imagePos));
    const bool review = reviewing();
    if (brushTool() && !review)
        updateBrushCursor(imagePos, m_drag != Drag::Pan);
    switch (m_drag) {
        case Drag::Pan: {
            const QPoint d = pos - m_pressPos;
            m_pressPos = pos;
            horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
            verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
            m_fit = false;
            break;
        }
        case Drag::Marker: {
            const QImage& image = m_document->session()->image();
            const QPointF p(std::clamp(imagePos.x(), 0.0, image.width() - 0.01),
                            std::clamp(imagePos.y(), 0.0, image.height() - 0.01));
            for (PromptMarkerItem* m : m_markers)
                if (m->promptId() == m_dragMarker)
                    m->setPos(p);
            m_document->prediction()->movePoint(m_dragMarker,
                                                p);  // live: only the newest position is decoded
            break;
        }
        case Drag::Pending: {
            const bool boxAllowed =
                m_dragButton == Qt::LeftButton && !m_pressBackground &&
                (m_tool == Tool::Box || (event->modifiers() & Qt::ShiftModifier));
            if (boxAllowed && (pos - m_pressPos).manhattanLength() > kDragThreshold) {
                m_drag = Drag::Box;
                m_rubberBand->setRect(QRectF(m_pressImagePos, imagePos).normalized());
                m_rubberBand->show();
            }
            break;
        }
        case Drag::Box:
            m_rubberBand->setRect(QRectF(m_pressImagePos, imagePos).normalized());
            break;
        case Drag::Stroke:
            extendStroke(imagePos);
            break;
        case Drag::ReviewPending:
        case Drag::ReviewBox:
            moveReview(event, imagePos);
            break;
        case Drag::None:
            if (review) {
                updateReviewHover(imagePos);
                break;
            }
            if (brushTool())
                break;  // no hover preview while painting by hand
            if (insideImage(imagePos) && !(event->buttons() & Qt::AllButtons))
                m_document->prediction()->hover(imagePos);
            else
                m_document->prediction()->endHover();
            break;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event) {
    const Drag drag = m_drag;
    if (drag == Drag::Stroke && event->button() != Qt::LeftButton) {
        event->accept();  // another button let go during a stroke: the stroke goes on
        return;
    }
    m_drag = Drag::None;
    switch (drag) {
        case Drag::Pan:
            viewport()->setCursor(m_spaceHeld ? Qt::OpenHandCursor : Qt::CrossCursor);
            break;
        case Drag::Pending: {
            // A click; a sloppy one that moved a little still counts.
            const bool click = (event->position().toPoint() - m_pressPos).manhattanLength() < 12;
            if (click && insideImage(m_pressImagePos)) {
                selectPrompt(-1);
                startCombining();
                m_document->prediction()->addPoint(m_pressImagePos, !m_pressBackground);
            }
            break;
        }
        case Drag::Box: {
            m_rubberBand->hide();
            const QRectF box =
                QRectF(m_pressImagePos, imagePointAt(event->position().toPoint())).normalized();
            selectPrompt(-1);
            startCombining();
            m_document->prediction()->setBox(box);
            break;
        }
        case Drag::Stroke: {
            const QPointF p = imagePointAt(event->position().toPoint());
            finishStroke(p);
            updateBrushCursor(p, true);
            break;
        }
        case Drag::ReviewPending:
        case Drag::ReviewBox:
            finishReview(event, drag);
            break;
        case Drag::Marker:
        case Drag::None:
            break;
    }
    event->accept();
}

void CanvasView::startCombining() {
    DocumentPrediction* p = m_document->prediction();
    if (p->combineMode() == DocumentPrediction::CombineMode::New || p->refiningObject())
        return;
    if (m_highlighted && m_document->annotations()->find(m_highlighted)) {
        m_document->refineObject(m_highlighted);
        return;
    }
    Q_EMIT m_document->message(
        p->combineMode() == DocumentPrediction::CombineMode::Add
            ? tr("Add to Object: select the object to add to in the Objects list first; this "
                 "prompt starts a new object")
            : tr("Subtract from Object: select the object to cut from in the Objects list first; "
                 "this prompt starts a new object"));
}

void CanvasView::mouseDoubleClickEvent(QMouseEvent* event) {
    // A double click is two clicks: the second press must not be lost.
    mousePressEvent(event);
}

bool CanvasView::event(QEvent* event) {
    // Esc during a stroke cancels the stroke, before the window's Esc (clear the prompts) sees it.
    if (event->type() == QEvent::ShortcutOverride && m_drag == Drag::Stroke &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        cancelStroke();
        event->accept();
        return true;
    }
    return QGraphicsView::event(event);
}

void CanvasView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape && m_drag == Drag::Stroke) {
        cancelStroke();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        viewport()->setCursor(Qt::CrossCursor);
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void CanvasView::leaveEvent(QEvent* event) {
    m_document->prediction()->endHover();
    m_proposalsItem->setHovered(-1);
    m_hoverPixel = QPoint(-1, -1);
    updateBrushCursor(QPointF(), false);
    Q_EMIT cursorMoved(QPointF(), false);
    QGraphicsView::leaveEvent(event);
}

}  // namespace samdesk
