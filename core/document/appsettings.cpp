// QSettings keys, in one place.
#include "core/document/appsettings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include "core/engine/cachefolder.h"

namespace samdesk {

namespace {
QSettings settings() {
    return QSettings(QStringLiteral("samdesk"), QStringLiteral("samdesk"));
}
}  // namespace

QString AppSettings::checkpoint() const {
    return settings().value(QStringLiteral("engine/checkpoint")).toString();
}
void AppSettings::setCheckpoint(const QString& path) {
    settings().setValue(QStringLiteral("engine/checkpoint"), path);
}
QString AppSettings::device() const {
    return settings().value(QStringLiteral("engine/device"), QStringLiteral("cpu")).toString();
}
void AppSettings::setDevice(const QString& device) {
    settings().setValue(QStringLiteral("engine/device"), device);
}
QString AppSettings::precision() const {
    return settings().value(QStringLiteral("engine/precision"), QStringLiteral("auto")).toString();
}
void AppSettings::setPrecision(const QString& precision) {
    settings().setValue(QStringLiteral("engine/precision"), precision);
}

bool AppSettings::embeddingCacheEnabled() const {
    return settings().value(QStringLiteral("cache/enabled"), true).toBool();
}
void AppSettings::setEmbeddingCacheEnabled(bool on) {
    settings().setValue(QStringLiteral("cache/enabled"), on);
}
QString AppSettings::embeddingCacheDirectory() const {
    const QString dir = settings().value(QStringLiteral("cache/directory")).toString();
    return dir.isEmpty() ? QString::fromStdString(defaultCacheDirectory()) : dir;
}
void AppSettings::setEmbeddingCacheDirectory(const QString& dir) {
    settings().setValue(QStringLiteral("cache/directory"), dir);
}
quint64 AppSettings::embeddingCacheMaxBytes() const {
    bool ok = false;
    const quint64 bytes = settings()
                              .value(QStringLiteral("cache/maxBytes"),
                                     QVariant::fromValue<quint64>(defaultCacheMaxBytes()))
                              .toULongLong(&ok);
    return ok ? bytes : defaultCacheMaxBytes();
}
void AppSettings::setEmbeddingCacheMaxBytes(quint64 bytes) {
    settings().setValue(QStringLiteral("cache/maxBytes"), QVariant::fromValue<quint64>(bytes));
}

QStringList AppSettings::recentFiles() const {
    QStringList out;
    for (const QString& p : settings().value(QStringLiteral("files/recent")).toStringList())
        if (QFileInfo::exists(p))
            out.append(p);
    return out;
}
void AppSettings::addRecentFile(const QString& path) {
    if (path.startsWith(QLatin1String(":/")))
        return;  // the bundled sample is always at hand
    const QString abs = QFileInfo(path).absoluteFilePath();
    QStringList list = settings().value(QStringLiteral("files/recent")).toStringList();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > kMaxRecent)
        list.removeLast();
    settings().setValue(QStringLiteral("files/recent"), list);
}
void AppSettings::clearRecentFiles() {
    settings().remove(QStringLiteral("files/recent"));
}
QString AppSettings::lastDirectory() const {
    return settings().value(QStringLiteral("files/lastDirectory"), QDir::homePath()).toString();
}
void AppSettings::setLastDirectory(const QString& dir) {
    settings().setValue(QStringLiteral("files/lastDirectory"), dir);
}

bool AppSettings::refineWithPrevious() const {
    return settings().value(QStringLiteral("view/refineWithPrevious"), true).toBool();
}
void AppSettings::setRefineWithPrevious(bool on) {
    settings().setValue(QStringLiteral("view/refineWithPrevious"), on);
}
bool AppSettings::hoverPreview() const {
    return settings().value(QStringLiteral("view/hoverPreview"), false).toBool();
}
void AppSettings::setHoverPreview(bool on) {
    settings().setValue(QStringLiteral("view/hoverPreview"), on);
}

bool AppSettings::autoRegionEncoding() const {
    return settings().value(QStringLiteral("model/autoRegionEncoding"), false).toBool();
}

void AppSettings::setAutoRegionEncoding(bool on) {
    settings().setValue(QStringLiteral("model/autoRegionEncoding"), on);
}
double AppSettings::maskThreshold() const {
    return settings().value(QStringLiteral("view/maskThreshold"), 0.0).toDouble();
}
void AppSettings::setMaskThreshold(double threshold) {
    settings().setValue(QStringLiteral("view/maskThreshold"), threshold);
}

namespace {
QString everythingKey(const char* name) {
    return QStringLiteral("everything/") + QLatin1String(name);
}
}  // namespace

AutoMaskParams AppSettings::everythingParams() const {
    const QSettings s = settings();
    AutoMaskParams p;
    // A value that does not read as a number (an edited file) keeps the default.
    for (const AutoMaskParamField& f : autoMaskParamFields()) {
        bool ok = false;
        const QVariant value = s.value(everythingKey(f.name));
        const double v = f.integer ? double(value.toInt(&ok)) : value.toDouble(&ok);
        if (ok)
            f.set(p, v);
    }
    return p;
}
void AppSettings::setEverythingParams(const AutoMaskParams& params) {
    QSettings s = settings();
    for (const AutoMaskParamField& f : autoMaskParamFields()) {
        if (f.integer)
            s.setValue(everythingKey(f.name), params.*f.integer);
        else
            s.setValue(everythingKey(f.name), params.*f.real);
    }
}

QByteArray AppSettings::windowGeometry() const {
    return settings().value(QStringLiteral("window/geometry")).toByteArray();
}
void AppSettings::setWindowGeometry(const QByteArray& geometry) {
    settings().setValue(QStringLiteral("window/geometry"), geometry);
}
QByteArray AppSettings::windowState() const {
    return settings().value(QStringLiteral("window/state")).toByteArray();
}
void AppSettings::setWindowState(const QByteArray& state) {
    settings().setValue(QStringLiteral("window/state"), state);
}

}  // namespace samdesk
