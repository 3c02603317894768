// Image lists and their stores.
#include "core/document/imagefolder.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>
#include <set>

namespace samdesk {

QStringList ImageFolder::imageSuffixes() {
    return {QStringLiteral("png"), QStringLiteral("jpg"), QStringLiteral("jpeg"),
            QStringLiteral("bmp"), QStringLiteral("tif"), QStringLiteral("tiff"),
            QStringLiteral("webp")};
}

bool ImageFolder::isImageFile(const QString& fileName) {
    return imageSuffixes().contains(QFileInfo(fileName).suffix().toLower());
}

Expected<ImageFolder> ImageFolder::open(const QString& folder) {
    const QFileInfo info(folder);
    if (!info.isDir())
        return Error::io(folder.toStdString() + " is not a folder");
    QDir dir(info.absoluteFilePath());
    QStringList files;
    for (const QString& name : dir.entryList(QDir::Files | QDir::Readable, QDir::NoSort))
        if (isImageFile(name))
            files.append(name);
    if (files.isEmpty())
        return Error::io("no image (" + imageSuffixes().join(", ").toStdString() + ") in " +
                         dir.absolutePath().toStdString());
    QCollator collator;
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::sort(files.begin(), files.end(),
              [&](const QString& a, const QString& b) { return collator.compare(a, b) < 0; });

    ImageFolder f;
    f.m_isFolder = true;
    f.m_root = dir.absolutePath();
    f.m_files = files;
    f.m_store = AnnotationStore(f.m_root.toStdString());
    std::set<std::string> annotated;
    for (auto& name : f.m_store.annotatedImages())
        annotated.insert(std::move(name));
    for (const QString& file : files)
        f.m_annotated.append(annotated.count(file.toStdString()) > 0);
    return f;
}

ImageFolder ImageFolder::single(const QString& imagePath) {
    ImageFolder f;
    const QFileInfo info(imagePath);
    if (imagePath.startsWith(QLatin1String(":/"))) {
        // Resources are read-only: the sample's annotations live in the app's data folder.
        f.m_root = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                   QStringLiteral("/sample");
        QDir().mkpath(f.m_root);
        f.m_resourcePath = imagePath;
    } else {
        f.m_root = info.absolutePath();
    }
    f.m_files = {info.fileName()};
    f.m_store = AnnotationStore(f.m_root.toStdString());
    f.m_annotated = {f.m_store.hasAnnotations(info.fileName().toStdString())};
    return f;
}

QString ImageFolder::absolutePath(int index) const {
    if (index < 0 || index >= count())
        return {};
    if (!m_resourcePath.isEmpty())
        return m_resourcePath;
    return m_root + QLatin1Char('/') + m_files[index];
}

int ImageFolder::indexOf(const QString& absolutePath) const {
    for (int i = 0; i < count(); ++i)
        if (this->absolutePath(i) == absolutePath)
            return i;
    return -1;
}

void ImageFolder::setAnnotated(int index, bool annotated) {
    if (index >= 0 && index < m_annotated.size())
        m_annotated[index] = annotated;
}

int ImageFolder::annotatedCount() const {
    return int(std::count(m_annotated.begin(), m_annotated.end(), true));
}

}  // namespace samdesk
