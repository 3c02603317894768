// The images of the folder: a filterable list marking which images have annotations, the current
// one selected; clicking one opens it.
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;

namespace samdesk {

class AnnotationDocument;

class ImageListPanel : public QWidget {
    Q_OBJECT
public:
    explicit ImageListPanel(AnnotationDocument* document, QWidget* parent = nullptr);

    QListWidget* list() const { return m_list; }

private:
    void rebuild();
    void selectCurrent();
    void markAnnotated(int index, bool annotated);
    void applyFilter();
    void updateCount();

    AnnotationDocument* m_document;
    QLineEdit* m_filter;
    QListWidget* m_list;
    QLabel* m_count;
};

}  // namespace samdesk
