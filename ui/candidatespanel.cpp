// Candidate thumbnails: the part of the image around the candidates, with each mask on top.
#include "ui/candidatespanel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

#include "core/document/annotationdocument.h"
#include "core/document/imageconvert.h"
#include "core/engine/logitmap.h"

namespace samdesk {

namespace {

// Behind a thumbnail's image, as behind the canvas's.
const QColor kThumbnailBackground(40, 40, 44);

// The region the thumbnails show: all candidates with a margin, at least 48 pixels.
QRect thumbnailRegion(const QList<QRect>& boxes, QSize imageSize) {
    QRect r;
    for (const QRect& b : boxes)
        r |= b;
    if (r.isEmpty())
        return QRect(QPoint(0, 0), imageSize);
    const int margin = std::max(24, std::max(r.width(), r.height()) / 4);
    return r.adjusted(-margin, -margin, margin, margin).intersected(QRect(QPoint(0, 0), imageSize));
}

// Where the image's `region` lies in a thumbnail: the region's pixels at the thumbnail's scale
// (`scaledRegion` of an image scaled to `scaled`), centred at `target`.
struct ThumbnailLayout {
    QSize scaled;
    QRect scaledRegion;
    QRectF target;
};

ThumbnailLayout thumbnailLayout(QSize imageSize, const QRect& region) {
    ThumbnailLayout l;
    const double s = std::min(double(CandidatesPanel::kThumbW) / region.width(),
                              double(CandidatesPanel::kThumbH) / region.height());
    l.scaled = QSize(std::max(1, int(std::lround(imageSize.width() * s))),
                     std::max(1, int(std::lround(imageSize.height() * s))));
    l.scaledRegion = QRect(QPoint(int(std::floor(region.x() * s)), int(std::floor(region.y() * s))),
                           QPoint(int(std::ceil((region.x() + region.width()) * s)) - 1,
                                  int(std::ceil((region.y() + region.height()) * s)) - 1))
                         .intersected(QRect(QPoint(0, 0), l.scaled));
    l.target = QRectF(QPointF((CandidatesPanel::kThumbW - l.scaledRegion.width()) / 2.0,
                              (CandidatesPanel::kThumbH - l.scaledRegion.height()) / 2.0),
                      QSizeF(l.scaledRegion.size()));
    return l;
}

// The image's `region` fitted into a thumbnail: drawn once for all candidates (smooth scaling
// of the image is most of a thumbnail's cost).
QPixmap thumbnailBackground(const QImage& image, const QRect& region, const ThumbnailLayout& l) {
    QPixmap pm(CandidatesPanel::kThumbW, CandidatesPanel::kThumbH);
    pm.fill(kThumbnailBackground);
    if (l.scaledRegion.isEmpty())
        return pm;
    QPainter p(&pm);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(l.target, image, region);
    return pm;
}

// Candidate `index` over the background: the mask is made at the thumbnail's own scale (never
// a full-size mask or overlay).
QPixmap thumbnail(const AnnotationDocument& doc, int index, const QPixmap& background,
                  const ThumbnailLayout& l) {
    QPixmap pm = background;
    if (l.scaledRegion.isEmpty())
        return pm;
    const BinaryMask mask = doc.prediction()->candidateMaskScaled(index, l.scaled, l.scaledRegion);
    if (!mask.isNull()) {
        QPainter p(&pm);
        p.drawImage(l.target, maskToOverlay(mask, QColor(30, 144, 255, 150), QColor(255, 214, 0)));
    }
    return pm;
}

}  // namespace

CandidatesPanel::CandidatesPanel(AnnotationDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    setObjectName(QStringLiteral("candidatesPanel"));
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    auto* group = new QButtonGroup(this);
    group->setExclusive(true);
    for (int i = 0; i < 3; ++i) {
        auto* b = new QToolButton(this);
        b->setObjectName(QStringLiteral("candidate%1").arg(i + 1));
        b->setCheckable(true);
        b->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        b->setIconSize(QSize(kThumbW, kThumbH));
        b->setToolTip(tr("Candidate %1 (key %1)").arg(i + 1));
        // An icon and a line of text from the start: the button's size never changes.
        QPixmap blank(kThumbW, kThumbH);
        blank.fill(kThumbnailBackground);
        b->setIcon(QIcon(blank));
        b->setText(QString::number(i + 1));
        b->setFocusPolicy(Qt::NoFocus);
        // The panel keeps its size whether a prompt has candidates or not: a panel that grew
        // and shrank would resize the canvas (and refit the image) on every new object.
        QSizePolicy policy = b->sizePolicy();
        policy.setRetainSizeWhenHidden(true);
        b->setSizePolicy(policy);
        group->addButton(b, i);
        row->addWidget(b);
        m_buttons.append(b);
    }
    row->addStretch();
    connect(group, &QButtonGroup::idClicked, document->prediction(),
            &DocumentPrediction::selectCandidate);
    layout->addLayout(row);
    // Texts that change with every prompt (the hint, the timing, the threshold) take the width
    // the panel has instead of setting it: the dock would follow their length, and the canvas
    // with it (a refit of the image on every click).
    const QSizePolicy followsPanel(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setSizePolicy(followsPanel);
    m_hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(m_hint);
    m_timing = new QLabel(this);
    m_timing->setObjectName(QStringLiteral("decodeTiming"));
    m_timing->setWordWrap(true);
    m_timing->setSizePolicy(followsPanel);
    layout->addWidget(m_timing);

    m_thresholdLabel = new QLabel(this);
    m_thresholdLabel->setSizePolicy(followsPanel);
    layout->addWidget(m_thresholdLabel);
    auto* sliderRow = new QHBoxLayout;
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("thresholdSlider"));
    const int steps = int(LogitMap::kMaxThreshold) * LogitMap::kStepsPerLogit;
    m_slider->setRange(-steps, steps);
    m_slider->setSingleStep(LogitMap::kStepsPerLogit / 4);
    m_slider->setPageStep(LogitMap::kStepsPerLogit);
    m_slider->setToolTip(
        tr("Mask threshold in logits: higher keeps only the surest pixels "
           "([ and ] change it)"));
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        m_document->prediction()->setThreshold(double(v) / LogitMap::kStepsPerLogit);
    });
    sliderRow->addWidget(m_slider);
    auto* reset = new QToolButton(this);
    reset->setText(tr("0"));
    reset->setToolTip(tr("Reset the threshold to 0 (the model's own cut)"));
    connect(reset, &QToolButton::clicked, this,
            [this] { m_document->prediction()->setThreshold(0.0); });
    sliderRow->addWidget(reset);
    layout->addLayout(sliderRow);

    m_refine = new QCheckBox(tr("Refine with the previous mask"), this);
    m_refine->setObjectName(QStringLiteral("refineCheck"));
    m_refine->setToolTip(
        tr("Feed the chosen mask back to SAM with the next click (the "
           "reference's refinement loop)"));
    connect(m_refine, &QCheckBox::toggled, document->prediction(),
            &DocumentPrediction::setRefineWithPrevious);
    layout->addWidget(m_refine);
    m_hover = new QCheckBox(tr("Preview the mask under the cursor"), this);
    m_hover->setObjectName(QStringLiteral("hoverCheck"));
    connect(m_hover, &QCheckBox::toggled, document->prediction(),
            &DocumentPrediction::setHoverPreview);
    layout->addWidget(m_hover);
    layout->addStretch();

    m_thumbnailTimer = new QTimer(this);
    m_thumbnailTimer->setSingleShot(true);
    m_thumbnailTimer->setInterval(40);
    connect(m_thumbnailTimer, &QTimer::timeout, this, &CandidatesPanel::refreshThumbnails);
    connect(document->prediction(), &DocumentPrediction::predictionChanged, this,
            &CandidatesPanel::refresh);
    connect(document->session(), &DocumentSession::engineChanged, this, &CandidatesPanel::refresh);
    connect(document->prediction(), &DocumentPrediction::thresholdChanged, this,
            &CandidatesPanel::syncThreshold);
    refresh();
}

void CandidatesPanel::syncThreshold() {
    const double t = m_document->prediction()->threshold();
    const int v = int(std::lround(t * LogitMap::kStepsPerLogit));
    if (m_slider->value() != v) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(v);
    }
    m_thresholdLabel->setText(tr("Mask threshold: %1").arg(t, 0, 'f', 2));
}

void CandidatesPanel::refresh() {
    syncThreshold();
    {
        const QSignalBlocker b1(m_refine), b2(m_hover);
        m_refine->setChecked(m_document->prediction()->refineWithPrevious());
        m_refine->setEnabled(m_document->session()->engine().acceptsMaskInput);
        m_hover->setChecked(m_document->prediction()->hoverPreview());
    }
    const int n = m_document->prediction()->candidateCount();
    for (int i = 0; i < 3; ++i) {
        QToolButton* b = m_buttons[i];
        b->setVisible(i < n);
        if (i >= n)
            continue;
        const float score = m_document->prediction()->candidateScore(i);
        b->setText(std::isnan(score) ? QStringLiteral("%1").arg(i + 1)
                                     : tr("%1   IoU %2").arg(i + 1).arg(double(score), 0, 'f', 3));
        b->setChecked(i == m_document->prediction()->selectedCandidate());
    }
    if (n > 0)
        m_thumbnailTimer->start();
    if (n == 0)
        m_hint->setText(
            tr("Click an object: left = foreground, right = background, "
               "Shift+drag = box. Enter keeps the mask."));
    else if (n == 1 && m_document->session()->isSam())
        m_hint->setText(tr("Several prompts: one mask."));
    else if (n == 1)
        m_hint->setText(tr("GrabCut gives one mask (load a SAM checkpoint for candidates)."));
    else
        m_hint->setText(tr("An ambiguous prompt: choose a candidate with 1-3."));
    m_timing->setText(n ? tr("Mask computed in %1 ms (%2 ms to the window)")
                              .arg(m_document->prediction()->lastDecodeMs(), 0, 'f', 1)
                              .arg(m_document->prediction()->lastRoundTripMs(), 0, 'f', 1)
                        : QString());
}

void CandidatesPanel::maskPainted() {
    if (m_thumbnailTimer->isActive())
        refreshThumbnails();
}

void CandidatesPanel::refreshThumbnails() {
    m_thumbnailTimer->stop();
    const int n = std::min(3, m_document->prediction()->candidateCount());
    if (n == 0)
        return;
    QList<QRect> boxes;
    for (int i = 0; i < n; ++i)
        boxes.append(m_document->prediction()->candidateBounds(i));
    const QImage& image = m_document->session()->image();
    const QRect region = thumbnailRegion(boxes, image.size());
    const ThumbnailLayout layout = thumbnailLayout(image.size(), region);
    const QPixmap background = thumbnailBackground(image, region, layout);
    for (int i = 0; i < n; ++i)
        m_buttons[i]->setIcon(QIcon(thumbnail(*m_document, i, background, layout)));
}

}  // namespace samdesk
