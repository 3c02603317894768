// The image list.
#include "ui/imagelistpanel.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include "core/document/annotationdocument.h"
#include "ui/colorswatch.h"

namespace samdesk {

ImageListPanel::ImageListPanel(AnnotationDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    setObjectName(QStringLiteral("imageListPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter images"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &ImageListPanel::applyFilter);
    layout->addWidget(m_filter);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("imageList"));
    m_list->setUniformItemSizes(true);
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        m_document->setCurrentIndex(m_list->row(item));
        selectCurrent();  // stays on the old row when the image cannot be opened
    });
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        m_document->setCurrentIndex(m_list->row(item));
        selectCurrent();
    });
    layout->addWidget(m_list);
    m_count = new QLabel(this);
    layout->addWidget(m_count);

    connect(document->session(), &DocumentSession::imageListChanged, this,
            &ImageListPanel::rebuild);
    connect(document->session(), &DocumentSession::currentImageChanged, this,
            &ImageListPanel::selectCurrent);
    connect(document->session(), &DocumentSession::annotatedChanged, this,
            &ImageListPanel::markAnnotated);
    rebuild();
}

void ImageListPanel::rebuild() {
    m_list->clear();
    const ImageFolder& f = m_document->session()->images();
    for (int i = 0; i < f.count(); ++i) {
        auto* item = new QListWidgetItem(annotatedMark(f.isAnnotated(i)), f.files()[i]);
        item->setToolTip(f.absolutePath(i));
        m_list->addItem(item);
    }
    applyFilter();
    selectCurrent();
    updateCount();
}

void ImageListPanel::selectCurrent() {
    const int i = m_document->session()->currentIndex();
    if (i >= 0 && i < m_list->count()) {
        m_list->setCurrentRow(i);
        m_list->scrollToItem(m_list->item(i));
    }
}

void ImageListPanel::markAnnotated(int index, bool annotated) {
    if (QListWidgetItem* item = m_list->item(index))
        item->setIcon(annotatedMark(annotated));
    updateCount();
}

void ImageListPanel::applyFilter() {
    const QString text = m_filter->text().trimmed();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive));
    }
}

void ImageListPanel::updateCount() {
    const ImageFolder& f = m_document->session()->images();
    m_count->setText(tr("%1 of %2 images annotated").arg(f.annotatedCount()).arg(f.count()));
}

}  // namespace samdesk
