// The segment everything parameter panel: a form built from everythingFields().
#include "ui/everythingpanel.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace samdesk {

namespace {

// Ranges wide enough that the generator's own check, not the spin box, says what is wrong
// (points_per_side 0, crop_n_layers over 8, crop_overlap_ratio 1).
const QList<EverythingField> kFields = {
    {"points_per_side", 0, 1024, 1, 0,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Prompt points along each side of the image (an N x N grid): more finds "
                       "smaller objects and takes longer (N squared points)")},
    {"points_per_batch", 0, 4096, 16, 0,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Points decoded together: only sets how often progress and Cancel are "
                       "checked; the masks are the same")},
    {"pred_iou_thresh", -1, 2, 0.01, 3,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Keep a mask when the model's predicted IoU is above this (0 or less: "
                       "keep all)")},
    {"stability_score_thresh", -1, 2, 0.01, 3,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Keep a mask when its stability score (how little it changes when the "
                       "cut moves by the offset) is at least this (0 or less: keep all)")},
    {"stability_score_offset", 0, 100, 0.1, 3,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "How far (in logits) the stability score moves the mask's cut")},
    {"box_nms_thresh", 0, 2, 0.05, 3,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Drop a mask whose box overlaps a better one's by more than this IoU (1 "
                       "or more: keep duplicates)")},
    {"crop_n_layers", 0, 16, 1, 0,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Also run on crops of the image: layer k has (2^k)^2 crops (0: the whole "
                       "image only); each crop is encoded")},
    {"crop_nms_thresh", 0, 2, 0.05, 3,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Box IoU above which masks from different crops count as duplicates")},
    {"crop_overlap_ratio", 0, 1, 0.01, 4,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "How much neighbouring crops overlap, as a fraction of the image's short "
                       "side (the original's 512/1500)")},
    {"crop_n_points_downscale_factor", 0, 64, 1, 0,
     QT_TRANSLATE_NOOP("EverythingPanel", "Points per side shrink by this for each crop layer")},
    {"min_mask_region_area", 0, double(std::numeric_limits<int>::max()), 10, 0,
     QT_TRANSLATE_NOOP("EverythingPanel",
                       "Fill holes and remove islands smaller than this many pixels in each "
                       "mask (0: leave them)")},
};

double rounded(double v, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

}  // namespace

const AutoMaskParamField& EverythingField::param() const {
    const AutoMaskParamField* f = findAutoMaskParam(name);
    if (!f)
        qFatal("the panel's parameter %s is not one of the generator's", name);
    return *f;
}

const QList<EverythingField>& everythingFields() {
    return kFields;
}

const EverythingField* findEverythingField(const QString& name) {
    for (const EverythingField& f : kFields)
        if (name == QLatin1String(f.name))
            return &f;
    return nullptr;
}

bool setEverythingValue(AutoMaskParams& params, const QString& name, const QString& value,
                        QString* why) {
    const EverythingField* f = findEverythingField(name);
    if (!f) {
        QStringList names;
        for (const EverythingField& k : kFields)
            names << QLatin1String(k.name);
        *why = QStringLiteral("unknown parameter '%1' (one of %2)")
                   .arg(name, names.join(QStringLiteral(", ")));
        return false;
    }
    bool ok = false;
    if (f->param().integer) {
        const int v = value.toInt(&ok);
        if (ok)
            f->param().set(params, v);
    } else {
        const double v = value.toDouble(&ok);
        ok = ok && std::isfinite(v);
        if (ok)
            f->param().set(params, v);
    }
    if (!ok)
        *why = QStringLiteral("%1=%2 is not %3")
                   .arg(name, value,
                        f->param().integer ? QStringLiteral("a whole number")
                                           : QStringLiteral("a number"));
    return ok;
}

EverythingPanel::EverythingPanel(const AutoMaskParams& params, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("everythingPanel"));
    setWindowTitle(tr("Segment Everything Settings"));
    auto* intro = new QLabel(
        tr("The parameters of the original SamAutomaticMaskGenerator, with its names and "
           "defaults (samdesk-cli everything takes the same). They apply to the next run."),
        this);
    intro->setWordWrap(true);
    auto* form = new QFormLayout;
    for (const EverythingField& f : kFields) {
        QAbstractSpinBox* box = nullptr;
        if (f.param().integer) {
            auto* s = new QSpinBox(this);
            s->setRange(int(f.minimum), int(f.maximum));
            s->setSingleStep(int(f.step));
            connect(s, &QSpinBox::valueChanged, this, &EverythingPanel::validate);
            box = s;
        } else {
            auto* s = new QDoubleSpinBox(this);
            s->setRange(f.minimum, f.maximum);
            s->setDecimals(f.decimals);
            s->setSingleStep(f.step);
            connect(s, &QDoubleSpinBox::valueChanged, this, &EverythingPanel::validate);
            box = s;
        }
        box->setObjectName(QLatin1String(f.name));
        const QString tip = QCoreApplication::translate("EverythingPanel", f.tip);
        box->setToolTip(tip);
        auto* label = new QLabel(QLatin1String(f.name), this);
        label->setToolTip(tip);
        label->setBuddy(box);
        form->addRow(label, box);
        m_boxes.append(box);
        m_exact.append(0.0);
    }
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("everythingProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #d03030"));
    auto* buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_defaults = buttons->button(QDialogButtonBox::RestoreDefaults);
    m_defaults->setText(tr("Defaults"));
    m_defaults->setObjectName(QStringLiteral("everythingDefaults"));
    m_defaults->setToolTip(
        tr("The original's defaults: points_per_side 32, pred_iou_thresh "
           "0.88, stability_score_thresh 0.95, ..."));
    connect(m_defaults, &QPushButton::clicked, this, &EverythingPanel::restoreDefaults);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    setParams(params);
}

QAbstractSpinBox* EverythingPanel::spinBox(const QString& name) const {
    for (int i = 0; i < kFields.size(); ++i)
        if (name == QLatin1String(kFields[i].name))
            return m_boxes[i];
    return nullptr;
}

AutoMaskParams EverythingPanel::params() const {
    AutoMaskParams p;
    for (int i = 0; i < kFields.size(); ++i) {
        const EverythingField& f = kFields[i];
        if (f.param().integer) {
            f.param().set(p, static_cast<QSpinBox*>(m_boxes[i])->value());
        } else {
            const double shown = static_cast<QDoubleSpinBox*>(m_boxes[i])->value();
            f.param().set(p, shown == rounded(m_exact[i], f.decimals) ? m_exact[i] : shown);
        }
    }
    return p;
}

void EverythingPanel::setParams(const AutoMaskParams& params) {
    for (int i = 0; i < kFields.size(); ++i) {
        const EverythingField& f = kFields[i];
        const QSignalBlocker block(m_boxes[i]);
        if (f.param().integer) {
            static_cast<QSpinBox*>(m_boxes[i])->setValue(int(f.param().get(params)));
        } else {
            m_exact[i] = f.param().get(params);
            static_cast<QDoubleSpinBox*>(m_boxes[i])->setValue(m_exact[i]);
        }
    }
    validate();
}

void EverythingPanel::restoreDefaults() {
    setParams(AutoMaskParams());
}

QString EverythingPanel::problem() const {
    const Status st = checkAutoMaskParams(params());
    return st ? QString() : QString::fromStdString(st.error().message);
}

void EverythingPanel::validate() {
    if (!m_ok)
        return;  // a spin box set up before the buttons exist
    const QString text = problem();
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    m_ok->setEnabled(text.isEmpty());
}

}  // namespace samdesk
