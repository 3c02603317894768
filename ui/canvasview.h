// The canvas: the image, the committed objects in their colours, the current mask (translucent,
// with its outline), and the prompt markers. Mouse input becomes prompts on the document:
//   left click = foreground point, right click or Alt+click = background point,
//   drag with the Box tool or Shift+drag = box, drag a marker = move it, click a marker = select
//   it (Delete removes it); wheel = zoom around the cursor; middle drag or Space+drag = pan.
// The Brush and Eraser tools paint the selected object by hand (canvasview_brush.cpp): a drag is
// one stroke (Shift: erase), Ctrl+wheel sizes the brush, Esc cancels the stroke.
// While segment everything's proposals are pending, the mouse reviews them instead, whatever the
// tool (canvasview_review.cpp): click = accept the proposal under the cursor (current label),
// right click or Alt+click = reject it, drag = accept those inside the rectangle, Shift+drag (or
// a right drag) = reject them; the one under the cursor is filled. Panning and zooming stay.
// The scene is in original image pixels, so zooming and panning never move the prompts.
#pragma once

#include <QElapsedTimer>
#include <QGraphicsView>
#include <QPointer>
#include <QTimer>

#include <vector>

#include "core/annotation/binarymask.h"
#include "core/annotation/maskedit.h"

class QGraphicsEllipseItem;

namespace samdesk {

class AnnotationDocument;
class ObjectsLayer;
class OverlayItem;
class PromptMarkerItem;
class ProposalsLayer;
class StrokePreviewItem;

class CanvasView : public QGraphicsView {
    Q_OBJECT
public:
    enum class Tool { Point, Box, Brush, Eraser };
    static constexpr double kMinBrushRadius = 1.0, kMaxBrushRadius = 2000.0;  // image pixels
    static constexpr double kBrushStep = 1.25;

    // How long the view must stay still before viewRested().
    static constexpr int kViewRestMs = 600;

    explicit CanvasView(AnnotationDocument* document, QWidget* parent = nullptr);

    Tool tool() const { return m_tool; }
    void setTool(Tool tool);

    double zoom() const;  // screen pixels per image pixel
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomActualSize();
    // Zooms and scrolls so that `area` (image pixels) fills the view.
    void showImageArea(const QRectF& area);
    void setShowObjects(bool show);
    // The object drawn with a bold white outline (selected in the object list); 0: none.
    void setHighlightedObject(int id);
    int highlightedObject() const { return m_highlighted; }

    // The point of the image under a viewport position, and back (tests click with these).
    QPointF imagePointAt(QPoint viewportPos) const;
    // The part of the image the view shows, in image pixels (empty without an image).
    QRect visibleImageRect() const;
    QRectF visibleImageArea() const;  // the same, not rounded to whole pixels
    QPoint viewportPointFor(QPointF imagePos) const;

    int selectedPrompt() const { return m_selectedPrompt; }  // -1: none
    void selectPrompt(int id);
    bool deleteSelectedPrompt();

    // The kept objects as drawn (tests look at what a change repainted).
    const ObjectsLayer* objectsLayer() const { return m_objectsItem; }
    // Segment everything's pending proposals as drawn.
    const ProposalsLayer* proposalsLayer() const { return m_proposalsItem; }
    // True while proposals are pending: the mouse reviews them (see above).
    bool reviewing() const;

    // The current mask as drawn: an overlay at the screen's resolution whose edge pixels are the
    // outline, and the part of the image (image pixels) it covers. For tests.
    const QImage& maskOverlay() const;
    QRectF maskOverlayTarget() const;

    // Time from the input event that changed the prompts to the paint that showed the new mask.
    double lastMaskLatencyMs() const { return m_lastLatencyMs; }

    // ---- Brush and eraser (image pixels) ------------------------------------------------------
    double brushRadius() const { return m_brushRadius; }
    void setBrushRadius(double radius);  // clamped to [kMinBrushRadius, kMaxBrushRadius]
    void growBrush();                    // x kBrushStep
    void shrinkBrush();                  // / kBrushStep
    bool stroking() const { return m_drag == Drag::Stroke; }
    // Drops the stroke being drawn (Esc): nothing is painted.
    void cancelStroke();
    // The brush outline under the cursor, in image pixels; empty while it is hidden.
    QRectF brushCursorRect() const;
    // The image points of the stroke being drawn (empty when none).
    const std::vector<StrokePoint>& strokePoints() const { return m_strokePoints; }

Q_SIGNALS:
    void zoomChanged(double zoom);
    void cursorMoved(QPointF imagePos, bool insideImage);
    void toolChanged(samdesk::CanvasView::Tool tool);
    // Emitted after the paint that first showed a mask computed for new prompts.
    void maskPainted(double latencyMs);
    // The view has not moved (pan, zoom, resize) nor the prompts changed for kViewRestMs.
    void viewRested();
    void brushRadiusChanged(double radius);
    // A stroke was painted on object `id` (the new highlighted object: the next stroke goes on).
    void objectPainted(int id);
    // After the paint that showed a stroke's new points: time from the (first) mouse move not yet
    // shown to the end of that paint.
    void strokePreviewPainted(double latencyMs);
    // After the paint that followed a stroke's release: time from the release to the end of the
    // paint that shows the painted object (`id`; 0 when the stroke changed nothing or was empty).
    void strokeFinished(int id, double latencyMs);

protected:
    bool event(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    // ReviewPending: a press while reviewing, not yet a drag; ReviewBox: its rectangle.
    enum class Drag { None, Pending, Box, Pan, Marker, Stroke, ReviewPending, ReviewBox };

    void onImageChanged();
    void rebuildObjects();
    void rebuildMask();
    // The current mask at the view's resolution, for the visible part of the image only: a
    // click on a 48 MP photo costs what the screen shows (and again after a zoom or a pan).
    void refreshMaskView();
    void scrollContentsBy(int dx, int dy) override;
    void rebuildPrompts();
    void syncRefining();
    void setZoom(double zoom, bool fit);
    // Zooms so that `r` (scene pixels) fills the viewport less `margin` pixels, centred on it.
    void zoomOnto(const QRectF& r, int margin, bool fit);
    void updateImageSmoothing();
    bool insideImage(QPointF p) const;
    PromptMarkerItem* markerAt(QPoint viewportPos) const;
    // Add and Subtract with no object refined: a new prompt first reselects the highlighted one.
    void startCombining();
    // Brush and eraser (canvasview_brush.cpp).
    bool brushTool() const { return m_tool == Tool::Brush || m_tool == Tool::Eraser; }
    void createBrushItems();
    void updateBrushCursor(QPointF imagePos, bool show);
    void beginStroke(QPointF imagePos, bool erase);
    void extendStroke(QPointF imagePos);
    void finishStroke(QPointF imagePos);
    QBrush strokeFill(bool erase) const;
    // Reviewing proposals (canvasview_review.cpp).
    void createReviewItems();
    void rebuildProposals();
    void beginReview(QMouseEvent* event);
    void moveReview(QMouseEvent* event, QPointF imagePos);
    void finishReview(QMouseEvent* event, Drag drag);
    void updateReviewHover(QPointF imagePos);

    AnnotationDocument* m_document;
    QGraphicsScene* m_scene;
    QGraphicsPixmapItem* m_imageItem = nullptr;
    ObjectsLayer* m_objectsItem = nullptr;
    OverlayItem* m_maskItem = nullptr;
    QGraphicsRectItem* m_boxItem = nullptr;
    QGraphicsRectItem* m_rubberBand = nullptr;
    QGraphicsRectItem* m_regionItem = nullptr;  // the region encoded alone, if any
    QList<PromptMarkerItem*> m_markers;

    Tool m_tool = Tool::Point;
    bool m_fit = true;
    bool m_showObjects = true;
    int m_drawnRefining = 0;  // the object left out of the objects layer
    int m_highlighted = 0;
    bool m_spaceHeld = false;
    Drag m_drag = Drag::None;
    Qt::MouseButton m_dragButton = Qt::NoButton;
    QPoint m_pressPos;
    QPointF m_pressImagePos;
    bool m_pressBackground = false;
    int m_dragMarker = -1;
    int m_selectedPrompt = -1;

    QTimer* m_viewTimer = nullptr;  // coalesces view changes into one refreshMaskView()
    QTimer* m_restTimer = nullptr;  // restarted by every view change: viewRested()
    bool m_awaitingMaskPaint = false;
    double m_lastLatencyMs = 0;

    double m_brushRadius = 8.0;
    StrokePreviewItem* m_strokeItem = nullptr;
    QGraphicsEllipseItem* m_brushCursor = nullptr;  // white ring, with a dark dotted one inside
    QGraphicsEllipseItem* m_brushCursorInner = nullptr;
    std::vector<StrokePoint> m_strokePoints;
    bool m_strokeErase = false;
    QElapsedTimer m_strokeClock;  // from the first move not yet painted
    bool m_awaitingStrokePaint = false;
    QElapsedTimer m_releaseClock;
    bool m_awaitingReleasePaint = false;
    int m_releasedObject = 0;
    QRect m_strokeChange;  // while a stroke is applied: the only part of the masks it changes

    ProposalsLayer* m_proposalsItem = nullptr;
    QGraphicsRectItem* m_reviewBand = nullptr;  // the review's rectangle (green: accept)
    bool m_reviewReject = false;                // the press rejects (right button, Alt, Shift)
    QPoint m_hoverPixel{-1, -1};                // the image pixel the hover was looked up for
};

}  // namespace samdesk
