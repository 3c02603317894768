// A prompt point on the canvas: a disc with a "+" (foreground, green) or "-" (background, red),
// the same size on screen at every zoom level; a white ring when selected.
#pragma once

#include <QGraphicsItem>

namespace samdesk {

class PromptMarkerItem : public QGraphicsItem {
public:
    static constexpr qreal kRadius = 7.0;  // screen pixels

    PromptMarkerItem(int promptId, bool foreground, QGraphicsItem* parent = nullptr);

    int promptId() const { return m_id; }
    bool foreground() const { return m_foreground; }
    void setMarkerSelected(bool selected);
    bool markerSelected() const { return m_selected; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    int m_id;
    bool m_foreground;
    bool m_selected = false;
};

}  // namespace samdesk
