// The main window: the image canvas with menus, panels and the status bar.
#pragma once

#include <QMainWindow>
#include <QString>

class QGraphicsScene;
class QGraphicsView;
class QGraphicsPixmapItem;

namespace samdesk {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Opens an image file (or a Qt resource path such as ":/samdesk/sample/sample.png").
    // Returns false and leaves the current image when the file cannot be read.
    bool openImage(const QString& path);
    QString currentImagePath() const { return m_imagePath; }
    QSize currentImageSize() const;

    static QString sampleImagePath();

private:
    void createMenus();

    QGraphicsScene* m_scene = nullptr;
    QGraphicsView* m_view = nullptr;
    QGraphicsPixmapItem* m_imageItem = nullptr;
    QString m_imagePath;
};

}  // namespace samdesk
