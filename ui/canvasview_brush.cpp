// The canvas's brush and eraser: the cursor circle, the stroke collected from every mouse event
// (the polyline between them is what is painted, so a fast drag leaves no gap), its live preview
// and, on release, one paintStroke() on the document at the image's full resolution.
#include <QGraphicsEllipseItem>
#include <QGraphicsPixmapItem>

#include <algorithm>

#include "core/document/annotationdocument.h"
#include "ui/canvasview.h"
#include "ui/objectslayer.h"
#include "ui/strokepreviewitem.h"

namespace samdesk {

void CanvasView::createBrushItems() {
    m_strokeItem = new StrokePreviewItem;
    m_strokeItem->setZValue(5);  // over the objects and the current mask, under the prompts
    m_scene->addItem(m_strokeItem);
    m_brushCursor = m_scene->addEllipse(QRectF());
    QPen outer(QColor(255, 255, 255, 230), 1.5);
    outer.setCosmetic(true);
    m_brushCursor->setPen(outer);
    m_brushCursor->setZValue(20);
    m_brushCursor->setAcceptedMouseButtons(Qt::NoButton);
    m_brushCursorInner = new QGraphicsEllipseItem(m_brushCursor);
    QPen inner(QColor(0, 0, 0, 200), 1.0, Qt::DotLine);
    inner.setCosmetic(true);
    m_brushCursorInner->setPen(inner);
    m_brushCursor->hide();
}

void CanvasView::setBrushRadius(double radius) {
    radius = std::clamp(radius, kMinBrushRadius, kMaxBrushRadius);
    if (radius == m_brushRadius || m_drag == Drag::Stroke)  // a stroke keeps its size
        return;
    m_brushRadius = radius;
    if (m_brushCursor->isVisible())
        updateBrushCursor(m_brushCursor->rect().center(), true);
    Q_EMIT brushRadiusChanged(radius);
}

void CanvasView::growBrush() {
    setBrushRadius(m_brushRadius * kBrushStep);
}

void CanvasView::shrinkBrush() {
    setBrushRadius(m_brushRadius / kBrushStep);
}

QRectF CanvasView::brushCursorRect() const {
    return m_brushCursor->isVisible() ? m_brushCursor->rect() : QRectF();
}

void CanvasView::updateBrushCursor(QPointF imagePos, bool show) {
    show = show && brushTool() && !m_document->session()->image().isNull();
    if (!show) {
        m_brushCursor->hide();
        return;
    }
    const QRectF r(imagePos - QPointF(m_brushRadius, m_brushRadius),
                   QSizeF(2 * m_brushRadius, 2 * m_brushRadius));
    m_brushCursor->setRect(r);
    // The inner ring one screen pixel inside the outer one, at any zoom.
    const double in = std::min(1.5 / std::max(zoom(), 1e-6), m_brushRadius / 2);
    m_brushCursorInner->setRect(r.adjusted(in, in, -in, -in));
    QPen pen = m_brushCursor->pen();
    // The eraser's ring is dashed, the brush's solid.
    pen.setStyle(m_tool == Tool::Eraser ? Qt::DashLine : Qt::SolidLine);
    m_brushCursor->setPen(pen);
    m_brushCursor->show();
}

QBrush CanvasView::strokeFill(bool erase) const {
    if (erase) {
        // The image itself: what the stroke erases shows the bare image (the shown pixmap may be
        // a reduced copy scaled up over the scene, hence its item's transform).
        QBrush b(m_imageItem->pixmap());
        b.setTransform(m_imageItem->transform());
        return b;
    }
    // The colour of the object the stroke will paint on: the one refined (an unkept mask is
    // kept first), else the edit target, else a new object with the current label.
    const DocumentAnnotations* a = m_document->annotations();
    const DocumentPrediction* p = m_document->prediction();
    const int target = p->hasPrediction() && !p->predictionIsHover()
                           ? p->refiningObject()
                           : m_document->editTarget(m_highlighted);
    QColor c;
    if (const AnnotationObject* o = a->find(target)) {
        c = a->objectColor(*o);
    } else {
        AnnotationObject fresh;
        const QString label = a->currentLabel();
        fresh.label = (label.isEmpty() ? DocumentAnnotations::defaultLabel() : label).toStdString();
        c = a->objectColor(fresh);
    }
    c.setAlpha(ObjectsLayer::kFillAlpha);  // translucent like the objects layer
    return QBrush(c);
}

void CanvasView::beginStroke(QPointF imagePos, bool erase) {
    m_drag = Drag::Stroke;
    m_strokeErase = erase;
    m_strokePoints = {StrokePoint{imagePos.x(), imagePos.y()}};
    m_document->prediction()->endHover();
    m_strokeItem->begin(imagePos, m_brushRadius, strokeFill(erase));
    m_strokeClock.start();
    m_awaitingStrokePaint = true;
}

void CanvasView::extendStroke(QPointF imagePos) {
    const StrokePoint p{imagePos.x(), imagePos.y()};
    if (!m_strokePoints.empty() && m_strokePoints.back() == p)
        return;
    m_strokePoints.push_back(p);
    m_strokeItem->addPoint(imagePos);
    if (!m_awaitingStrokePaint) {
        m_strokeClock.start();
        m_awaitingStrokePaint = true;
    }
}

void CanvasView::finishStroke(QPointF imagePos) {
    m_releaseClock.start();
    extendStroke(imagePos);
    m_drag = Drag::None;
    const std::vector<StrokePoint> points = std::move(m_strokePoints);
    m_strokePoints.clear();
    // Without an unkept mask to keep first, the stroke changes its own rectangle of one object
    // (or adds one): the objects layer need not look at the rest of the others' masks.
    const DocumentPrediction* p = m_document->prediction();
    if (!(p->hasPrediction() && !p->predictionIsHover())) {
        const QSize size = m_document->session()->image().size();
        const PixelRect b = strokeBounds(points, m_brushRadius, size.width(), size.height());
        m_strokeChange = QRect(b.x, b.y, b.width, b.height);
    }
    const int id = m_document->paintStroke(m_highlighted, points, m_brushRadius, m_strokeErase);
    m_strokeChange = QRect();
    // The paint that ends the measurement comes even when nothing changed: the stroke's part of
    // the view is repainted (the preview goes), not the whole view.
    const double m = m_brushRadius + 2;
    viewport()->update(mapFromScene(m_strokeItem->points().boundingRect().adjusted(-m, -m, m, m))
                           .boundingRect()
                           .adjusted(-2, -2, 2, 2));
    m_strokeItem->clear();
    m_awaitingStrokePaint = false;
    m_releasedObject = id;
    m_awaitingReleasePaint = true;
    if (id) {
        setHighlightedObject(id);
        Q_EMIT objectPainted(id);
    }
}

void CanvasView::cancelStroke() {
    if (m_drag != Drag::Stroke)
        return;
    m_drag = Drag::None;
    m_strokePoints.clear();
    m_strokeItem->clear();
    m_awaitingStrokePaint = false;
    Q_EMIT m_document->message(tr("Stroke cancelled"));
}

}  // namespace samdesk
