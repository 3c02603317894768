// The canvas: the image, the committed objects in their colours, the current mask (translucent,
// with its outline), and the prompt markers. Mouse input becomes prompts on the document:
//   left click = foreground point, right click or Alt+click = background point,
//   drag with the Box tool or Shift+drag = box, drag a marker = move it, click a marker = select
//   it (Delete removes it); wheel = zoom around the cursor; middle drag or Space+drag = pan.
// The scene is in original image pixels, so zooming and panning never move the prompts.
#pragma once

#include <QGraphicsView>
#include <QHash>
#include <QPainterPath>
#include <QPointer>
#include <QTimer>

#include "core/annotation/binarymask.h"

namespace samdesk {

class AnnotationDocument;
class OverlayItem;
class PromptMarkerItem;

class CanvasView : public QGraphicsView {
    Q_OBJECT
public:
    enum class Tool { Point, Box };

    explicit CanvasView(AnnotationDocument* document, QWidget* parent = nullptr);

    Tool tool() const { return m_tool; }
    void setTool(Tool tool);

    double zoom() const;  // screen pixels per image pixel
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomActualSize();
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

    // Time from the input event that changed the prompts to the paint that showed the new mask.
    double lastMaskLatencyMs() const { return m_lastLatencyMs; }

Q_SIGNALS:
    void zoomChanged(double zoom);
    void cursorMoved(QPointF imagePos, bool insideImage);
    void toolChanged(samdesk::CanvasView::Tool tool);
    // Emitted after the paint that first showed a mask computed for new prompts.
    void maskPainted(double latencyMs);

protected:
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
    enum class Drag { None, Pending, Box, Pan, Marker };

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
    void updateImageSmoothing();
    bool insideImage(QPointF p) const;
    PromptMarkerItem* markerAt(QPoint viewportPos) const;

    AnnotationDocument* m_document;
    QGraphicsScene* m_scene;
    QGraphicsPixmapItem* m_imageItem = nullptr;
    OverlayItem* m_objectsItem = nullptr;
    OverlayItem* m_maskItem = nullptr;
    QGraphicsRectItem* m_boxItem = nullptr;
    QGraphicsRectItem* m_rubberBand = nullptr;
    QGraphicsRectItem* m_regionItem = nullptr;  // the region encoded alone, if any
    QList<PromptMarkerItem*> m_markers;
    struct CachedOutline {
        BinaryMask mask;
        QPainterPath path;
        QRect bounds;  // the mask's bounding box
    };
    QHash<int, CachedOutline> m_outlineCache;  // per object id, reused while its mask is equal

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
    bool m_awaitingMaskPaint = false;
    double m_lastLatencyMs = 0;
};

}  // namespace samdesk
