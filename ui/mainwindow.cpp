// Main window (skeleton: image view, File and Help menus).
#include "ui/mainwindow.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImageReader>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace samdesk {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    m_scene = new QGraphicsScene(this);
    m_view = new QGraphicsView(m_scene, this);
    m_view->setObjectName("canvas");
    m_view->setBackgroundBrush(QColor(48, 48, 48));
    setCentralWidget(m_view);
    createMenus();
    resize(1280, 860);
    statusBar()->showMessage(tr("Ready"));
}

QString MainWindow::sampleImagePath() {
    return QStringLiteral(":/samdesk/sample/sample.png");
}

QSize MainWindow::currentImageSize() const {
    return m_imageItem ? m_imageItem->pixmap().size() : QSize();
}

bool MainWindow::openImage(const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage image = reader.read();
    if (image.isNull()) {
        statusBar()->showMessage(tr("Cannot open %1: %2").arg(path, reader.errorString()));
        return false;
    }
    m_scene->clear();
    m_imageItem = m_scene->addPixmap(QPixmap::fromImage(image));
    m_scene->setSceneRect(m_imageItem->boundingRect());
    m_view->fitInView(m_imageItem, Qt::KeepAspectRatio);
    m_imagePath = path;
    setWindowTitle(tr("%1 - samdesk").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("%1 (%2 x %3)").arg(path).arg(image.width()).arg(image.height()));
    return true;
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Image..."), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Image"), QString(),
            tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
        if (!path.isEmpty())
            openImage(path);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About samdesk"), this, [this] {
        QMessageBox::about(this, tr("About samdesk"),
                           tr("samdesk %1\nSegment images by clicking, with Segment Anything v1.")
                               .arg(QStringLiteral(SAMDESK_VERSION)));
    });
}

}  // namespace samdesk
