// The mask candidates of the current prompts as thumbnails with SAM's predicted IoU (keys 1-3
// choose one; the best is chosen by default), the mask threshold slider (logits, -8..8), and the
// switches for the refinement loop and the hover preview.
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace samdesk {

class AnnotationDocument;

class CandidatesPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kThumbW = 112, kThumbH = 84;

    explicit CandidatesPanel(AnnotationDocument* document, QWidget* parent = nullptr);

    QToolButton* candidateButton(int index) const { return m_buttons.value(index); }
    QSlider* thresholdSlider() const { return m_slider; }
    // The canvas has painted the current mask: the thumbnails, if they wait, are made now.
    void maskPainted();

private:
    void refresh();
    void refreshThumbnails();
    void syncThreshold();

    AnnotationDocument* m_document;
    QList<QToolButton*> m_buttons;
    QLabel* m_hint;
    QLabel* m_timing;
    QSlider* m_slider;
    QLabel* m_thresholdLabel;
    QCheckBox* m_refine;
    QCheckBox* m_hover;
    // The thumbnails are made after the canvas has painted the new mask (maskPainted()), so a
    // click's mask reaches the screen without waiting for them; the timer makes them anyway
    // when no paint comes (a hidden canvas, a hover preview).
    QTimer* m_thumbnailTimer;
};

}  // namespace samdesk
