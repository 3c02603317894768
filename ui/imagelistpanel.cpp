// The image list.
#include "ui/imagelistpanel.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QStyle>
#include <QVBoxLayout>

#include "core/document/annotationdocument.h"
#include "ui/colorswatch.h"

namespace samdesk {

namespace {

constexpr int kReasonRole = Qt::UserRole;    // why the image did not open (unset: it did)
constexpr int kPathRole = Qt::UserRole + 1;  // the item's absolute path

// An image that could not be opened: a warning icon, red text, the reason in the tooltip.
void markUnreadable(QListWidgetItem* item, const QString& path, const QString& reason,
                    const QStyle* style) {
    item->setIcon(style->standardIcon(QStyle::SP_MessageBoxWarning));
    item->setForeground(QColor(200, 30, 30));
    item->setToolTip(ImageListPanel::tr("%1\nCannot open: %2").arg(path, reason));
    item->setData(kReasonRole, reason);
}

}  // namespace

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
    connect(document->session(), &DocumentSession::imageUnreadable, this,
            [this](int index, const QString& reason) {
                // The list may still show the previous folder (a folder being opened).
                const QString path = m_document->session()->images().absolutePath(index);
                QListWidgetItem* item = m_list->item(index);
                if (item && item->data(kPathRole).toString() == path)
                    markUnreadable(item, path, reason, style());
            });
    // A file that opens now (fixed meanwhile) loses its mark.
    connect(document->session(), &DocumentSession::currentImageChanged, this, [this] {
        const int i = m_document->session()->currentIndex();
        QListWidgetItem* item = m_list->item(i);
        if (!item || item->data(kReasonRole).isNull())
            return;
        const ImageFolder& f = m_document->session()->images();
        item->setIcon(annotatedMark(f.isAnnotated(i)));
        item->setForeground(QBrush());
        item->setToolTip(f.absolutePath(i));
        item->setData(kReasonRole, QVariant());
    });
    rebuild();
}

void ImageListPanel::rebuild() {
    m_list->clear();
    const ImageFolder& f = m_document->session()->images();
    for (int i = 0; i < f.count(); ++i) {
        auto* item = new QListWidgetItem(annotatedMark(f.isAnnotated(i)), f.files()[i]);
        item->setToolTip(f.absolutePath(i));
        item->setData(kPathRole, f.absolutePath(i));
        const QString reason = m_document->session()->unreadableReason(i);
        if (!reason.isEmpty())
            markUnreadable(item, f.absolutePath(i), reason, style());
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
