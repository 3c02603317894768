// Small icons for lists: a colour swatch, and the annotated / not annotated marks of the image
// list. Drawn, not loaded, so they follow the label colours.
#pragma once

#include <QColor>
#include <QIcon>

namespace samdesk {

QIcon colorSwatch(const QColor& color, int size = 14);
QIcon annotatedMark(bool annotated, int size = 14);

}  // namespace samdesk
