#include "checkpoint_loader.h"

#include "moecut/error.h"
#include "moecut/inspect.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <filesystem>

CheckpointLoader::CheckpointLoader(QObject* parent)
    : QObject(parent)
{
}

// Watchers are children: destroying the loader drops any pending result (the
// pool task itself finishes on its own and touches nothing of ours).
CheckpointLoader::~CheckpointLoader() = default;

CheckpointLoader::Result CheckpointLoader::inspect(const QString& folder)
{
    Result result;
    result.folder = folder;
    try {
        result.report = moecut::inspect_checkpoint(std::filesystem::path(folder.toStdString()));
    } catch (const moecut::InputError& e) {
        result.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        result.error = tr("internal error: %1").arg(QString::fromStdString(e.what()));
    }
    return result;
}

void CheckpointLoader::open(const QString& folder)
{
    const quint64 generation = ++m_generation;
    setBusy(true);
    emit started(folder);

    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer request or a cancel() superseded this one
        const Result result = watcher->result();
        setBusy(false);
        if (result.error.isEmpty())
            emit loaded(result.folder, result.report);
        else
            emit failed(result.folder, result.error);
    });
    watcher->setFuture(QtConcurrent::run(&CheckpointLoader::inspect, folder));
}

void CheckpointLoader::cancel()
{
    ++m_generation;
    setBusy(false);
}

void CheckpointLoader::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}
