// The mask candidates of the current prompts as thumbnails with SAM's predicted IoU (keys 1-3
// choose one; the best is chosen by default), the mask threshold slider (logits, -8..8), and the
// switches for the refinement loop and the hover preview.
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;
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

private:
    void refresh();
    void syncThreshold();

    AnnotationDocument* m_document;
    QList<QToolButton*> m_buttons;
    QLabel* m_hint;
    QLabel* m_timing;
    QSlider* m_slider;
    QLabel* m_thresholdLabel;
    QCheckBox* m_refine;
    QCheckBox* m_hover;
};

}  // namespace samdesk
