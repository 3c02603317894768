// samdesk: the GUI. Parses the command line and opens the main window.
#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <cstring>

#include "ui/mainwindow.h"

int main(int argc, char** argv) {
    // --version needs no display: answer it before the GUI starts.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("samdesk %s\n", SAMDESK_VERSION);
            return 0;
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("samdesk"));
    QApplication::setOrganizationName(QStringLiteral("samdesk"));
    QApplication::setApplicationVersion(QStringLiteral(SAMDESK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Segment images by clicking, with SAMv1"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption checkpoint(QStringLiteral("checkpoint"),
                                        QStringLiteral("SAMv1 checkpoint (.pth or .safetensors)"),
                                        QStringLiteral("file"));
    const QCommandLineOption image(QStringLiteral("image"), QStringLiteral("Image to open"),
                                   QStringLiteral("file"));
    const QCommandLineOption folder(QStringLiteral("folder"),
                                    QStringLiteral("Folder of images to annotate"),
                                    QStringLiteral("dir"));
    parser.addOptions({checkpoint, image, folder});
    parser.process(app);

    samdesk::MainWindow window;
    const QString imagePath =
        parser.isSet(image) ? parser.value(image) : samdesk::MainWindow::sampleImagePath();
    if (!window.openImage(imagePath))
        window.openImage(samdesk::MainWindow::sampleImagePath());
    window.show();
    return app.exec();
}
