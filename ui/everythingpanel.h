// Model > Segment Everything Settings: the automatic mask generator's parameters, one spin box
// each, labelled with the original SamAutomaticMaskGenerator's names (what its documentation and
// samdesk-cli everything's options use), a short tooltip each, Defaults (the original's), and the
// check the generator makes (checkAutoMaskParams) with its message shown while a value is wrong.
// The dialog edits values; the main window stores them (AppSettings) and gives them to the next
// run.
#pragma once

#include <QDialog>
#include <QList>
#include <QString>

#include "core/common/automask.h"

class QAbstractSpinBox;
class QLabel;
class QPushButton;

namespace samdesk {

// One parameter: the original's name, the field (an int or a double one), the spin box's range.
struct EverythingField {
    const char* name;  // the original's (core/common/automask.h's field list)
    double minimum = 0, maximum = 0, step = 1;
    int decimals = 0;
    const char* tip = "";  // translated in the "EverythingPanel" context
    const AutoMaskParamField& param() const;
};
// In the order of the original's signature.
const QList<EverythingField>& everythingFields();
// By the original's name; nullptr when there is none.
const EverythingField* findEverythingField(const QString& name);
// Sets `name` to the number `value` (text) in `params`; false, with `why`, when the name is
// unknown or the text is not a number of the right kind.
bool setEverythingValue(AutoMaskParams& params, const QString& name, const QString& value,
                        QString* why);

class EverythingPanel : public QDialog {
    Q_OBJECT
public:
    explicit EverythingPanel(const AutoMaskParams& params, QWidget* parent = nullptr);

    // The values shown. A double shown rounded (crop_overlap_ratio's 512/1500) stays the exact
    // value it was set to until it is edited.
    AutoMaskParams params() const;
    void setParams(const AutoMaskParams& params);
    void restoreDefaults();
    // checkAutoMaskParams' message for the values shown; empty when they are fine.
    QString problem() const;

    // The spin box of a parameter by its original name (also its object name).
    QAbstractSpinBox* spinBox(const QString& name) const;
    QPushButton* defaultsButton() const { return m_defaults; }
    QPushButton* okButton() const { return m_ok; }
    QLabel* problemLabel() const { return m_problem; }

private:
    void validate();

    QList<QAbstractSpinBox*> m_boxes;  // as everythingFields()
    QList<double> m_exact;             // the doubles as set, for the rounding above
    QPushButton* m_defaults = nullptr;
    QPushButton* m_ok = nullptr;
    QLabel* m_problem = nullptr;
};

}  // namespace samdesk
