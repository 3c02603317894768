// The images being annotated: a folder's image files (not recursive) in natural order ("img2"
// before "img10"), or a single image, with the autosave store they share and which of them have
// annotations. The bundled sample (a Qt resource) keeps its annotations in the app's data folder.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

#include "core/annotation/annotationstore.h"
#include "core/common/expected.h"

namespace samdesk {

class ImageFolder {
public:
    // Lower-case file suffixes samdesk opens.
    static QStringList imageSuffixes();
    static bool isImageFile(const QString& fileName);

    // Errors: not a folder, or no image in it.
    static Expected<ImageFolder> open(const QString& folder);
    // One image; its store is its own folder's (or the app's data folder for a resource).
    static ImageFolder single(const QString& imagePath);

    ImageFolder() = default;

    bool isFolder() const { return m_isFolder; }
    QString root() const { return m_root; }
    int count() const { return int(m_files.size()); }
    const QStringList& files() const { return m_files; }  // relative to root(), '/' separators
    QString absolutePath(int index) const;
    int indexOf(const QString& absolutePath) const;

    const AnnotationStore& store() const { return m_store; }
    bool isAnnotated(int index) const { return m_annotated.value(index, false); }
    void setAnnotated(int index, bool annotated);
    int annotatedCount() const;

private:
    bool m_isFolder = false;
    QString m_root;
    QString m_resourcePath;  // the single image when it is a Qt resource
    QStringList m_files;
    QVector<bool> m_annotated;
    AnnotationStore m_store{"."};
};

}  // namespace samdesk
