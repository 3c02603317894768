// The canvas: scene layers kept in step with the document, zoom and coordinates. Mouse and key
// input are in canvasview_input.cpp, the review of segment everything's proposals in
// canvasview_review.cpp.
#include "ui/canvasview.h"

#include <QCursor>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QKeyEvent>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

#include "core/document/annotationdocument.h"
#include "core/document/imageconvert.h"
#include "ui/objectslayer.h"
#include "ui/overlayitem.h"
#include "ui/promptmarkeritem.h"
#include "ui/strokepreviewitem.h"

namespace samdesk {

namespace {

constexpr double kMinZoom = 0.02, kMaxZoom = 40.0;
const QColor kMaskFill(30, 144, 255, 120);
const QColor kHoverFill(30, 144, 255, 70);
const QColor kOutline(255, 214, 0);

}  // namespace

CanvasView::CanvasView(AnnotationDocument* document, QWidget* parent)
    : QGraphicsView(parent), m_document(document), m_scene(new QGraphicsScene(this)) {
    setObjectName(QStringLiteral("canvas"));
    setScene(m_scene);
    setBackgroundBrush(QColor(40, 40, 44));
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setDragMode(NoDrag);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setContextMenuPolicy(Qt::PreventContextMenu);  // the right button adds background points
    setViewportUpdateMode(SmartViewportUpdate);
    setCursor(Qt::CrossCursor);

    m_imageItem = m_scene->addPixmap(QPixmap());
    m_imageItem->setZValue(0);
    m_objectsItem = new ObjectsLayer;
    m_objectsItem->setZValue(1);
    m_scene->addItem(m_objectsItem);
    m_maskItem = new OverlayItem;
    m_maskItem->setZValue(2);
    m_scene->addItem(m_maskItem);
    m_viewTimer = new QTimer(this);
    m_viewTimer->setSingleShot(true);
    m_viewTimer->setInterval(0);
    connect(m_viewTimer, &QTimer::timeout, this, &CanvasView::refreshMaskView);
    m_restTimer = new QTimer(this);
    m_restTimer->setSingleShot(true);
    m_restTimer->setInterval(kViewRestMs);
    connect(m_restTimer, &QTimer::timeout, this, &CanvasView::viewRested);
    connect(m_viewTimer, &QTimer::timeout, m_restTimer, qOverload<>(&QTimer::start));
    connect(document->prediction(), &DocumentPrediction::promptsChanged, m_restTimer,
            qOverload<>(&QTimer::start));
    m_boxItem = m_scene->addRect(QRectF());
    QPen boxPen(QColor(0, 220, 255), 2, Qt::DashLine);
    boxPen.setCosmetic(true);
    m_boxItem->setPen(boxPen);
    m_boxItem->setZValue(9);
    m_boxItem->hide();
    m_rubberBand = m_scene->addRect(QRectF());
    QPen bandPen(Qt::white, 1.5, Qt::DashLine);
    bandPen.setCosmetic(true);
    m_rubberBand->setPen(bandPen);
    m_rubberBand->setBrush(QColor(255, 255, 255, 30));
    m_rubberBand->setZValue(11);
    m_rubberBand->hide();
    m_regionItem = m_scene->addRect(QRectF());
    QPen regionPen(QColor(255, 140, 0), 1.5, Qt::DashDotLine);
    regionPen.setCosmetic(true);
    m_regionItem->setPen(regionPen);
    m_regionItem->setZValue(8);
    m_regionItem->hide();
    createBrushItems();
    createReviewItems();
    connect(document->session(), &DocumentSession::regionChanged, this, [this] {
        const QRect r = m_document->session()->region();
        m_regionItem->setRect(QRectF(r));
        // Dashed while it encodes, solid once prompts inside it use it.
        QPen pen = m_regionItem->pen();
        pen.setStyle(m_document->session()->regionReady() ? Qt::SolidLine : Qt::DashDotLine);
        m_regionItem->setPen(pen);
        m_regionItem->setVisible(!r.isNull());
    });

    connect(document->session(), &DocumentSession::currentImageChanged, this,
            &CanvasView::onImageChanged);
    connect(document->annotations(), &DocumentAnnotations::objectsChanged, this,
            &CanvasView::rebuildObjects);
    connect(document->annotations(), &DocumentAnnotations::labelsChanged, this,
            &CanvasView::rebuildObjects);
    connect(document->prediction(), &DocumentPrediction::predictionChanged, this,
            &CanvasView::rebuildMask);
    connect(document->prediction(), &DocumentPrediction::promptsChanged, this,
            &CanvasView::rebuildPrompts);
    if (!document->session()->image().isNull())
        onImageChanged();
}

// ---- Layers -----------------------------------------------------------------------------------

void CanvasView::onImageChanged() {
    const QImage& image = m_document->session()->image();
    // A pixmap is 4 bytes a pixel and the raster engine struggles past 16384 pixels a side: a
    // larger image is shown from a copy of at most 8192 pixels a side, scaled up over the scene
    // (image pixels; masks and prompts still use the full image).
    constexpr int kMaxSide = 16384, kShownSide = 8192;
    if (std::max(image.width(), image.height()) > kMaxSide) {
        const QImage shown =
            image.scaled(kShownSide, kShownSide, Qt::KeepAspectRatio, Qt::FastTransformation);
        m_imageItem->setPixmap(QPixmap::fromImage(shown));
        m_imageItem->setTransform(QTransform::fromScale(double(image.width()) / shown.width(),
                                                        double(image.height()) / shown.height()));
    } else {
        m_imageItem->setPixmap(QPixmap::fromImage(image));
        m_imageItem->setTransform(QTransform());
    }
    m_scene->setSceneRect(QRectF(QPointF(0, 0), QSizeF(image.size())));
    m_selectedPrompt = -1;
    m_drag = Drag::None;
    m_strokePoints.clear();
    m_strokeItem->setArea(QRectF(QPointF(0, 0), QSizeF(image.size())));
    m_brushCursor->hide();
    m_rubberBand->hide();
    m_objectsItem->clear();  // another image: nothing of the last one's layer applies
    rebuildObjects();
    rebuildMask();
    rebuildPrompts();
    rebuildProposals();
    zoomToFit();
}

void CanvasView::rebuildObjects() {
    // The layer repaints only what changed since it last drew (a stroke costs the stroke).
    const auto& a = m_document->annotations()->annotations();
    m_drawnRefining = m_document->prediction()->refiningObject();
    const QSize size = m_document->session()->image().size();
    std::vector<ObjectsLayer::Object> drawn;
    if (m_showObjects) {
        for (const auto& o : a.objects) {
            if (!o.visible || o.id == m_drawnRefining || o.mask.isNull() ||
                QSize(o.mask.width(), o.mask.height()) != size)
                continue;
            drawn.push_back({o.id, &o.mask, m_document->annotations()->objectColor(o)});
        }
    }
    m_objectsItem->sync(drawn, size, m_highlighted, m_strokeChange);
}

void CanvasView::rebuildMask() {
    refreshMaskView();
    if (m_document->prediction()->hasPrediction() && !m_document->prediction()->predictionIsHover())
        m_awaitingMaskPaint = true;
    syncRefining();
}

void CanvasView::refreshMaskView() {
    const DocumentPrediction* p = m_document->prediction();
    const QImage& image = m_document->session()->image();
    const QRectF visible = visibleImageArea();
    if (!p->hasCurrentMask() || image.isNull() || visible.isEmpty()) {
        m_maskItem->clear();
        return;
    }
    // Never finer than the image's own pixels (zoomed in, the mask's pixels are what the user
    // wants to see), and a pixel of margin so that no edge of the view shows a gap.
    const double z = std::min(1.0, zoom());
    const QSize scaled(std::max(1, int(std::lround(image.width() * z))),
                       std::max(1, int(std::lround(image.height() * z))));
    const double sx = double(scaled.width()) / image.width();
    const double sy = double(scaled.height()) / image.height();
    const QRect region =
        QRectF(visible.left() * sx, visible.top() * sy, visible.width() * sx, visible.height() * sy)
            .toAlignedRect()
            .adjusted(-1, -1, 1, 1)
            .intersected(QRect(QPoint(0, 0), scaled));
    const BinaryMask mask = p->currentMaskScaled(scaled, region);
    if (mask.isNull() || mask.isEmpty()) {
        m_maskItem->clear();
        return;
    }
    const bool hover = p->predictionIsHover();
    const QColor fill = hover ? kHoverFill : kMaskFill;
    const QRectF target(region.x() / sx, region.y() / sy, region.width() / sx,
                        region.height() / sy);
    // The overlay is drawn at the screen's resolution and its edge pixels are the outline, in
    // one pass with the fill: a vector outline of a speckled mask has thousands of segments to
    // map and stroke on every click (a 12 or 48 MP click went from 79-87 ms to 50-56 ms).
    // Zoomed in past the image's pixels, each mask pixel becomes a block of screen pixels
    // (nearest), so the outline follows the pixels the mask really has.
    QColor edge = kOutline;
    if (hover)
        edge.setAlpha(160);
    const double up = zoom();
    if (up <= 1.0) {
        m_maskItem->setImage(maskToOverlay(mask, fill, edge), target);
    } else {
        const int w = std::max(1, int(std::lround(mask.width() * up)));
        const int h = std::max(1, int(std::lround(mask.height() * up)));
        std::vector<std::uint8_t> bytes(std::size_t(w) * h);
        std::vector<int> column(static_cast<std::size_t>(w));
        for (int x = 0; x < w; ++x)
            column[std::size_t(x)] = std::min(mask.width() - 1, int((x + 0.5) / up));
        for (int y = 0; y < h; ++y) {
            const std::uint8_t* src =
                mask.data() +
                std::size_t(std::min(mask.height() - 1, int((y + 0.5) / up))) * mask.width();
            std::uint8_t* dst = bytes.data() + std::size_t(y) * w;
            for (int x = 0; x < w; ++x)
                dst[x] = src[column[std::size_t(x)]];
        }
        auto blocks = BinaryMask::fromBytes(w, h, std::move(bytes));
        m_maskItem->setImage(maskToOverlay(blocks ? blocks.value() : BinaryMask(), fill, edge),
                             target);
    }
    m_maskItem->setOutline(QPainterPath(), QPen());
}

const QImage& CanvasView::maskOverlay() const {
    return m_maskItem->image();
}

QRectF CanvasView::maskOverlayTarget() const {
    return m_maskItem->imageTarget();
}

void CanvasView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    m_viewTimer->start();
}

void CanvasView::syncRefining() {
    // The object being refined is drawn as the current mask instead of in the objects layer.
    if (m_drawnRefining != m_document->prediction()->refiningObject())
        rebuildObjects();
}

void CanvasView::rebuildPrompts() {
    for (PromptMarkerItem* m : m_markers) {
        m_scene->removeItem(m);
        delete m;
    }
    m_markers.clear();
    const PromptState& p = m_document->prediction()->prompts();
    bool selectedExists = m_selectedPrompt == PromptState::kBoxId && p.box;
    for (const auto& point : p.points) {
        auto* marker = new PromptMarkerItem(point.id, point.point.foreground);
        marker->setPos(point.position());
        marker->setMarkerSelected(point.id == m_selectedPrompt);
        selectedExists = selectedExists || point.id == m_selectedPrompt;
        m_scene->addItem(marker);
        m_markers.append(marker);
    }
    if (!selectedExists)
        m_selectedPrompt = -1;
    if (p.box) {
        m_boxItem->setRect(*p.boxRect());
        m_boxItem->show();
    } else {
        m_boxItem->hide();
    }
    syncRefining();
}

void CanvasView::setHighlightedObject(int id) {
    if (m_highlighted == id)
        return;
    m_highlighted = id;
    rebuildObjects();
}

void CanvasView::setShowObjects(bool show) {
    m_showObjects = show;
    rebuildObjects();
}

// ---- Zoom -------------------------------------------------------------------------------------

double CanvasView::zoom() const {
    return transform().m11();
}

void CanvasView::setZoom(double z, bool fit) {
    z = std::clamp(z, kMinZoom, kMaxZoom);
    setTransform(QTransform::fromScale(z, z));
    m_fit = fit;
    updateImageSmoothing();
    m_viewTimer->start();
    Q_EMIT zoomChanged(z);
}

void CanvasView::zoomIn() {
    setZoom(zoom() * 1.25, false);
}

void CanvasView::zoomOut() {
    setZoom(zoom() / 1.25, false);
}

void CanvasView::zoomActualSize() {
    setZoom(1.0, false);
}

void CanvasView::showImageArea(const QRectF& area) {
    zoomOnto(area.intersected(m_scene->sceneRect()), 0, false);
}

void CanvasView::zoomToFit() {
    zoomOnto(m_scene->sceneRect(), 8, true);
}

void CanvasView::zoomOnto(const QRectF& r, int margin, bool fit) {
    if (r.isEmpty() || viewport()->width() < 2 || viewport()->height() < 2)
        return;
    setZoom(std::min((viewport()->width() - margin) / r.width(),
                     (viewport()->height() - margin) / r.height()),
            fit);
    centerOn(r.center());
}

void CanvasView::updateImageSmoothing() {
    // Zoomed in, the user wants to see the pixels the mask is made of.
    m_imageItem->setTransformationMode(zoom() < 1.0 ? Qt::SmoothTransformation
                                                    : Qt::FastTransformation);
}

void CanvasView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (m_fit)
        zoomToFit();
    m_viewTimer->start();
}

void CanvasView::wheelEvent(QWheelEvent* event) {
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    if (brushTool() && (event->modifiers() & Qt::ControlModifier)) {
        // Ctrl+wheel sizes the brush: one notch (120) is one step of kBrushStep.
        setBrushRadius(m_brushRadius * std::pow(kBrushStep, delta / 120.0));
        event->accept();
        return;
    }
    setZoom(zoom() * std::pow(1.0015, delta), false);
    event->accept();
}

// ---- Coordinates ------------------------------------------------------------------------------

QRectF CanvasView::visibleImageArea() const {
    const QImage& image = m_document->session()->image();
    return mapToScene(viewport()->rect())
        .boundingRect()
        .intersected(QRectF(QPointF(0, 0), QSizeF(image.size())));
}

QRect CanvasView::visibleImageRect() const {
    return visibleImageArea().toAlignedRect();
}

QPointF CanvasView::imagePointAt(QPoint viewportPos) const {
    return mapToScene(viewportPos);
}

QPoint CanvasView::viewportPointFor(QPointF imagePos) const {
    return mapFromScene(imagePos);
}

bool CanvasView::insideImage(QPointF p) const {
    const QImage& image = m_document->session()->image();
    return !image.isNull() && p.x() >= 0 && p.y() >= 0 && p.x() < image.width() &&
           p.y() < image.height();
}

PromptMarkerItem* CanvasView::markerAt(QPoint viewportPos) const {
    for (QGraphicsItem* item : items(viewportPos))
        if (auto* m = dynamic_cast<PromptMarkerItem*>(item))
            return m;
    return nullptr;
}

// ---- Prompt selection -------------------------------------------------------------------------

void CanvasView::selectPrompt(int id) {
    m_selectedPrompt = id;
    for (PromptMarkerItem* m : m_markers)
        m->setMarkerSelected(m->promptId() == id);
    QPen pen = m_boxItem->pen();
    pen.setColor(id == PromptState::kBoxId ? Qt::white : QColor(0, 220, 255));
    m_boxItem->setPen(pen);
}

bool CanvasView::deleteSelectedPrompt() {
    if (m_selectedPrompt < 0)
        return false;
    const int id = m_selectedPrompt;
    selectPrompt(-1);
    m_document->prediction()->removePrompt(id);
    return true;
}

void CanvasView::setTool(Tool tool) {
    if (m_tool == tool)
        return;
    cancelStroke();
    m_tool = tool;
    if (brushTool()) {
        m_document->prediction()->endHover();
        const QPoint pos = viewport()->mapFromGlobal(QCursor::pos());
        updateBrushCursor(imagePointAt(pos), viewport()->underMouse());
    } else {
        updateBrushCursor(QPointF(), false);
    }
    Q_EMIT toolChanged(tool);
}

void CanvasView::paintEvent(QPaintEvent* event) {
    QGraphicsView::paintEvent(event);
    if (m_awaitingMaskPaint) {
        m_awaitingMaskPaint = false;
        m_lastLatencyMs = double(m_document->prediction()->promptClock().nsecsElapsed()) / 1e6;
        Q_EMIT maskPainted(m_lastLatencyMs);
    }
    if (m_awaitingStrokePaint) {
        m_awaitingStrokePaint = false;
        Q_EMIT strokePreviewPainted(double(m_strokeClock.nsecsElapsed()) / 1e6);
    }
    if (m_awaitingReleasePaint) {
        m_awaitingReleasePaint = false;
        Q_EMIT strokeFinished(m_releasedObject, double(m_releaseClock.nsecsElapsed()) / 1e6);
    }
}

}  // namespace samdesk
