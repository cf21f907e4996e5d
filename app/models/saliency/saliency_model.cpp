#include "saliency_model.h"

#include "saliency_ranking.h"

#include "moecut/error.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace {

QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}

QString number(double v)
{
    return QString::number(v, 'g', 4);
}

} // namespace

SaliencyModel::SaliencyModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

bool SaliencyModel::loadFile(const QString& path)
{
    try {
        auto table = std::make_shared<const moecut::SaliencyTable>(
            moecut::read_saliency_file(std::filesystem::path(path.toStdString())));
        setTable(std::move(table), path);
        m_error.clear();
        return true;
    } catch (const moecut::InputError& e) {
        m_error = fromStd(e.what());
    } catch (const std::exception& e) {
        m_error = fromStd(moecut::input_message(path.toStdString(), e.what()));
    }
    // InputError messages name the file first; make sure of it.
    if (!m_error.startsWith(path))
        m_error = path + QStringLiteral(": ") + m_error;
    emit loadFailed(m_error);
    return false;
}

void SaliencyModel::setTable(std::shared_ptr<const moecut::SaliencyTable> table, const QString& path)
{
    beginResetModel();
    m_table = std::move(table);
    m_path = path;
    m_plan.reset();
    if (m_table) {
        if (!m_table->has_domain(m_domain.toStdString()))
            m_domain = QStringLiteral("all");
        if (m_difference
            && (!m_table->has_domain(m_diffA.toStdString()) || !m_table->has_domain(m_diffB.toStdString())))
            m_difference = false;
    }
    recompute();
    recomputePlanStatus();
    endResetModel();
    emit tableChanged();
    emit displayChanged();
    emit planChanged();
}

void SaliencyModel::clear()
{
    setTable(nullptr);
}

QStringList SaliencyModel::statistics()
{
    QStringList out;
    for (const std::string& s : moecut::saliency_statistics())
        out << fromStd(s);
    return out;
}

QStringList SaliencyModel::domains() const
{
    QStringList out;
    if (m_table) {
        for (const std::string& d : m_table->domains)
            out << fromStd(d);
    }
    return out;
}

bool SaliencyModel::setStatistic(const QString& statistic)
{
    if (!statistics().contains(statistic))
        return false;
    if (statistic == m_statistic)
        return true;
    m_statistic = statistic;
    recompute();
    announceAllCells({});
    emit displayChanged();
    return true;
}

bool SaliencyModel::setDomain(const QString& domain)
{
    if (!m_table || !m_table->has_domain(domain.toStdString()))
        return false;
    if (domain == m_domain)
        return true;
    m_domain = domain;
    recompute();
    announceAllCells({});
    emit displayChanged();
    return true;
}

bool SaliencyModel::setDifference(const QString& domainA, const QString& domainB)
{
    if (!m_table || !m_table->has_domain(domainA.toStdString()) || !m_table->has_domain(domainB.toStdString()))
        return false;
    if (m_difference && domainA == m_diffA && domainB == m_diffB)
        return true;
    m_difference = true;
    m_diffA = domainA;
    m_diffB = domainB;
    recompute();
    announceAllCells({});
    emit displayChanged();
    return true;
}

void SaliencyModel::clearDifference()
{
    if (!m_difference)
        return;
    m_difference = false;
    recompute();
    announceAllCells({});
    emit displayChanged();
}

void SaliencyModel::setSortedWithinLayer(bool sorted)
{
    if (sorted == m_sorted)
        return;
    m_sorted = sorted;
    recompute();
    announceAllCells({});
    if (columnCount() > 0)
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    emit displayChanged();
}

QString SaliencyModel::valueLabel() const
{
    if (m_difference)
        return tr("%1: '%2' − '%3'").arg(m_statistic, m_diffA, m_diffB);
    return tr("%1 in '%2'").arg(m_statistic, m_domain);
}

void SaliencyModel::setPlan(const moecut::Plan& plan)
{
    m_plan = plan;
    recomputePlanStatus();
    announceAllCells({PlanStatusRole, SwapPartnerRole, Qt::ToolTipRole});
    emit planChanged();
}

void SaliencyModel::clearPlan()
{
    if (!m_plan)
        return;
    m_plan.reset();
    recomputePlanStatus();
    announceAllCells({PlanStatusRole, SwapPartnerRole, Qt::ToolTipRole});
    emit planChanged();
}

std::size_t SaliencyModel::cell(int row, int expert) const
{
    return static_cast<std::size_t>(row) * static_cast<std::size_t>(m_table->experts) + static_cast<std::size_t>(expert);
}

void SaliencyModel::recompute()
{
    m_values.clear();
    m_rank.clear();
    m_order.clear();
    if (!m_table)
        return;
    const int rows = static_cast<int>(m_table->rows());
    const int experts = static_cast<int>(m_table->experts);
    const std::string stat = m_statistic.toStdString();
    const std::vector<float>& a = m_table->matrix(stat, (m_difference ? m_diffA : m_domain).toStdString());
    const std::vector<float>* b = m_difference ? &m_table->matrix(stat, m_diffB.toStdString()) : nullptr;
    m_values.resize(a.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        m_values[i] = b ? static_cast<double>(a[i]) - static_cast<double>((*b)[i]) : static_cast<double>(a[i]);
    m_rank.resize(m_values.size());
    m_order.resize(m_values.size());
    for (int r = 0; r < rows; ++r) {
        const std::vector<int> order = saliency::rankingOf(m_values.data() + cell(r, 0), experts);
        const std::vector<int> rank = saliency::ranksOf(order);
        for (int e = 0; e < experts; ++e) {
            m_rank[cell(r, e)] = rank[static_cast<std::size_t>(e)];
            m_order[cell(r, e)] = m_sorted ? order[static_cast<std::size_t>(e)] : e;
        }
    }
}

void SaliencyModel::recomputePlanStatus()
{
    m_status.clear();
    m_partner.clear();
    if (!m_table)
        return;
    const std::size_t n = m_table->rows() * static_cast<std::size_t>(m_table->experts);
    m_status.assign(n, static_cast<unsigned char>(NoPlan));
    m_partner.assign(n, -1);
    if (!m_plan)
        return;
    const int experts = static_cast<int>(m_table->experts);
    for (int r = 0; r < rowCount(); ++r) {
        const int layer = m_table->layers[static_cast<std::size_t>(r)];
        auto it = m_plan->keep.find(layer);
        if (it == m_plan->keep.end())
            continue;
        const std::set<int> kept(it->second.begin(), it->second.end());
        for (int e = 0; e < experts; ++e)
            m_status[cell(r, e)] = static_cast<unsigned char>(kept.count(e) ? Kept : Dropped);
        for (const moecut::PlanSwap& s : m_plan->swaps) {
            if (s.layer != layer || s.in < 0 || s.out < 0 || s.in >= experts || s.out >= experts)
                continue;
            m_status[cell(r, s.in)] = static_cast<unsigned char>(SwappedIn);
            m_status[cell(r, s.out)] = static_cast<unsigned char>(SwappedOut);
            m_partner[cell(r, s.in)] = s.out;
            m_partner[cell(r, s.out)] = s.in;
        }
    }
}

void SaliencyModel::announceAllCells(const QList<int>& roles)
{
    if (rowCount() > 0 && columnCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), roles);
}

double SaliencyModel::value(int row, int expert) const
{
    return m_values.at(cell(row, expert));
}

int SaliencyModel::rank(int row, int expert) const
{
    return m_rank.at(cell(row, expert));
}

SaliencyModel::PlanStatus SaliencyModel::planStatus(int row, int expert) const
{
    return static_cast<PlanStatus>(m_status.at(cell(row, expert)));
}

int SaliencyModel::columnOfExpert(int row, int expert) const
{
    return m_sorted ? m_rank.at(cell(row, expert)) : expert;
}

int SaliencyModel::expertAt(int row, int column) const
{
    return m_order.at(cell(row, column));
}

int SaliencyModel::rowOfLayer(int layer) const
{
    if (!m_table)
        return -1;
    auto it = std::find(m_table->layers.begin(), m_table->layers.end(), layer);
    return it == m_table->layers.end() ? -1 : static_cast<int>(it - m_table->layers.begin());
}

int SaliencyModel::layerOfRow(int row) const
{
    return m_table->layers.at(static_cast<std::size_t>(row));
}

bool SaliencyModel::isMtpRow(int row) const
{
    const int layer = layerOfRow(row);
    return std::find(m_table->mtp_layers.begin(), m_table->mtp_layers.end(), layer) != m_table->mtp_layers.end();
}

int SaliencyModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_table ? 0 : static_cast<int>(m_table->rows());
}

int SaliencyModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_table ? 0 : static_cast<int>(m_table->experts);
}

QVariant SaliencyModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int expert = expertAt(row, index.column());
    switch (role) {
    case Qt::DisplayRole:
        return number(value(row, expert));
    case Qt::ToolTipRole:
        return toolTip(row, expert);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    case ValueRole:
        return value(row, expert);
    case ExpertRole:
        return expert;
    case LayerRole:
        return layerOfRow(row);
    case MtpRole:
        return isMtpRow(row);
    case RankRole:
        return rank(row, expert);
    case PlanStatusRole:
        return static_cast<int>(planStatus(row, expert));
    case SwapPartnerRole:
        return m_partner.at(cell(row, expert));
    default:
        return {};
    }
}

QVariant SaliencyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != LayerRole && role != MtpRole)
        return {};
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= columnCount() || role == LayerRole || role == MtpRole)
            return {};
        if (m_sorted)
            return role == Qt::ToolTipRole ? tr("The expert ranked %1 in its layer").arg(section + 1)
                                           : QStringLiteral("#%1").arg(section + 1);
        return role == Qt::ToolTipRole ? tr("Expert %1").arg(section) : QString::number(section);
    }
    if (section < 0 || section >= rowCount())
        return {};
    const int layer = layerOfRow(section);
    const bool mtp = isMtpRow(section);
    if (role == LayerRole)
        return layer;
    if (role == MtpRole)
        return mtp;
    if (role == Qt::ToolTipRole)
        return mtp ? tr("MTP layer %1").arg(layer) : tr("Layer %1").arg(layer);
    return mtp ? tr("MTP %1").arg(layer) : QString::number(layer);
}

QString SaliencyModel::toolTip(int row, int expert) const
{
    const int layer = layerOfRow(row);
    QString html = QStringLiteral("<b>%1</b><br>").arg(
        (isMtpRow(row) ? tr("MTP layer %1, expert %2") : tr("Layer %1, expert %2")).arg(layer).arg(expert));
    html += tr("%1: %2 (rank %3 of %4 in this layer)")
                .arg(valueLabel().toHtmlEscaped(), number(value(row, expert)))
                .arg(rank(row, expert) + 1)
                .arg(columnCount());
    html += QStringLiteral("<br>");
    const int partner = m_partner.empty() ? -1 : m_partner.at(cell(row, expert));
    switch (planStatus(row, expert)) {
    case NoPlan:
        break;
    case Kept:
        html += tr("Plan: kept") + QStringLiteral("<br>");
        break;
    case Dropped:
        html += tr("Plan: dropped") + QStringLiteral("<br>");
        break;
    case SwappedIn:
        html += tr("Plan: swapped in, replacing expert %1").arg(partner) + QStringLiteral("<br>");
        break;
    case SwappedOut:
        html += tr("Plan: swapped out for expert %1").arg(partner) + QStringLiteral("<br>");
        break;
    }
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\"><tr><th></th>");
    const QStringList stats = statistics();
    for (const QString& s : stats)
        html += QStringLiteral("<th align=\"right\">%1</th>").arg(s);
    html += QStringLiteral("</tr>");
    for (const std::string& d : m_table->domains) {
        html += QStringLiteral("<tr><td>%1</td>").arg(fromStd(d).toHtmlEscaped());
        for (const QString& s : stats)
            html += QStringLiteral("<td align=\"right\">%1</td>")
                        .arg(number(m_table->at(s.toStdString(), d, static_cast<std::size_t>(row),
                                                static_cast<std::size_t>(expert))));
        html += QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
    return html;
}
