#include "recipe_steps_model.h"

RecipeStepsModel::RecipeStepsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void RecipeStepsModel::setSettings(const moecut::ExperimentSettings& settings, const QString& experimentDir,
                                   const QString& moecut)
{
    setSteps(moecut::recipe_steps(settings, experimentDir.toStdString(), moecut.toStdString()), settings);
}

void RecipeStepsModel::setSteps(std::vector<moecut::RecipeStep> steps, const moecut::ExperimentSettings& settings)
{
    beginResetModel();
    m_steps = std::move(steps);
    endResetModel();
    QStringList problems;
    for (const auto& p : moecut::settings_problems(settings))
        problems << QString::fromStdString(p);
    if (problems != m_problems) {
        m_problems = problems;
        emit problemsChanged(m_problems);
    }
}

void RecipeStepsModel::clear()
{
    beginResetModel();
    m_steps.clear();
    endResetModel();
    if (!m_problems.isEmpty()) {
        m_problems.clear();
        emit problemsChanged(m_problems);
    }
}

QString RecipeStepsModel::script() const
{
    QString out;
    for (const auto& step : m_steps)
        out += QString::fromStdString(moecut::shell_command(step.argv)) + QLatin1Char('\n');
    return out;
}

int RecipeStepsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_steps.size());
}

int RecipeStepsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecipeStepsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& step = m_steps[static_cast<std::size_t>(index.row())];
    if (role == ArgvRole) {
        QStringList argv;
        for (const auto& a : step.argv)
            argv << QString::fromStdString(a);
        return argv;
    }
    if (role == OutputRole)
        return QString::fromStdString(step.output);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case StepColumn:
        return QString::fromStdString(step.step);
    case FolderColumn:
        return QString::fromStdString(step.folder);
    case AfterColumn:
        return step.after ? QString::fromStdString(m_steps[*step.after].step) : QString();
    case CommandColumn:
        return QString::fromStdString(moecut::shell_command(step.argv));
    default:
        return {};
    }
}

QVariant RecipeStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StepColumn:
        return tr("Step");
    case FolderColumn:
        return tr("Run folder");
    case AfterColumn:
        return tr("After");
    case CommandColumn:
        return tr("Command");
    default:
        return {};
    }
}
