#include "plan_editor.h"

#include "plan_edit_command.h"
#include "saliency_model.h"
#include "saliency_ranking.h"

#include "moecut/error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace {

const QStringList kCriteria = {QStringLiteral("reap"), QStringLiteral("frequency"), QStringLiteral("ean")};

bool contains(const std::vector<int>& ids, int e)
{
    return std::find(ids.begin(), ids.end(), e) != ids.end();
}

QString number(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

PlanEditor::PlanEditor(QObject* parent)
    : QObject(parent)
{
}

PlanEditor::~PlanEditor()
{
    // The commands call back into this object; drop them first.
    m_undo.clear();
}

void PlanEditor::setSaliencyModel(SaliencyModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &SaliencyModel::tableChanged, this, [this] {
            m_table = m_model->table();
            m_path = m_model->filePath();
            reset();
        });
        m_table = model->table();
        m_path = model->filePath();
    } else {
        m_table.reset();
        m_path.clear();
    }
    reset();
}

void PlanEditor::setSaliency(std::shared_ptr<const moecut::SaliencyTable> table, const QString& path)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = nullptr;
    m_table = std::move(table);
    m_path = path;
    reset();
}

void PlanEditor::reset()
{
    m_undo.clear();
    m_error.clear();
    m_state = State();
    m_plan.reset();
    if (m_table) {
        m_state.keep = defaultKeep();
        try {
            m_plan = computePlan(m_state);
        } catch (const std::exception& e) {
            m_error = QString::fromStdString(e.what());
        }
    }
    if (m_model) {
        if (m_plan)
            m_model->setPlan(*m_plan);
        else
            m_model->clearPlan();
    }
    emit planChanged();
}

moecut::RouterLimits PlanEditor::limits() const
{
    return m_table ? moecut::router_limits(*m_table) : moecut::RouterLimits();
}

qint64 PlanEditor::experts() const
{
    return m_table ? m_table->experts : 0;
}

QString PlanEditor::keepProblem(qint64 keep) const
{
    if (!m_table)
        return tr("no saliency file is loaded");
    const moecut::RouterLimits r = limits();
    if (r.top_k <= 0)
        return tr("the saliency file does not record the router's top_k; cannot check K");
    return QString::fromStdString(moecut::keep_count_problem(keep, r));
}

qint64 PlanEditor::minimumKeep() const
{
    for (qint64 k = 1; k <= experts(); ++k) {
        if (keepProblem(k).isEmpty())
            return k;
    }
    return 0;
}

qint64 PlanEditor::maximumKeep() const
{
    for (qint64 k = experts(); k >= 1; --k) {
        if (keepProblem(k).isEmpty())
            return k;
    }
    return 0;
}

qint64 PlanEditor::keepStep() const
{
    return m_table ? std::max<qint64>(1, m_table->n_group) : 1;
}

qint64 PlanEditor::nearestValidKeep(qint64 keep) const
{
    qint64 best = 0;
    for (qint64 k = 1; k <= experts(); ++k) {
        if (keepProblem(k).isEmpty() && (best == 0 || std::llabs(k - keep) <= std::llabs(best - keep)))
            best = k;
    }
    return best;
}

qint64 PlanEditor::defaultKeep() const
{
    return nearestValidKeep((experts() * 2 + 1) / 3);
}

const moecut::Plan& PlanEditor::plan() const
{
    static const moecut::Plan empty;
    return m_plan ? *m_plan : empty;
}

nlohmann::ordered_json PlanEditor::planJson() const
{
    return m_plan ? moecut::plan_to_json(*m_plan) : nlohmann::ordered_json();
}

bool PlanEditor::savePlan(const QString& path)
{
    if (!m_plan)
        return fail(tr("%1: there is no plan to save (load a saliency file first)").arg(path));
    try {
        moecut::write_plan(std::filesystem::path(path.toStdString()), *m_plan);
    } catch (const std::exception& e) {
        QString message = QString::fromStdString(e.what());
        if (!message.startsWith(path))
            message = path + QStringLiteral(": ") + message;
        return fail(message);
    }
    m_error.clear();
    return true;
}

bool PlanEditor::fail(const QString& message)
{
    m_error = message;
    emit editFailed(message);
    return false;
}

bool PlanEditor::push(const State& next, const QString& text, int mergeId)
{
    if (!m_table)
        return fail(tr("no saliency file is loaded"));
    if (next == m_state)
        return true;
    try {
        computePlan(next);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    m_error.clear();
    m_undo.push(new PlanEditCommand(this, m_state, next, text, mergeId));
    return true;
}

void PlanEditor::applyState(const State& state)
{
    m_state = state;
    try {
        m_plan = computePlan(state);
    } catch (const std::exception& e) {
        // Cannot happen for a state that push() accepted.
        m_plan.reset();
        m_error = QString::fromStdString(e.what());
    }
    if (m_model) {
        if (m_plan)
            m_model->setPlan(*m_plan);
        else
            m_model->clearPlan();
    }
    emit planChanged();
}

bool PlanEditor::setKeep(qint64 keep)
{
    if (const QString problem = keepProblem(keep); !problem.isEmpty())
        return fail(problem);
    State next = m_state;
    next.keep = keep;
    return push(next, tr("Keep %1 experts per layer").arg(keep), PlanEditCommand::KeepMerge);
}

bool PlanEditor::setCriterion(const QString& criterion)
{
    if (!kCriteria.contains(criterion))
        return fail(tr("criterion \"%1\" is not one of reap, frequency, ean").arg(criterion));
    State next = m_state;
    next.criterion = criterion;
    return push(next, tr("Rank by %1").arg(criterion), PlanEditCommand::NoMerge);
}

bool PlanEditor::setDomain(const QString& domain)
{
    State next = m_state;
    next.domain = domain;
    return push(next, tr("Rank on domain '%1'").arg(domain), PlanEditCommand::NoMerge);
}

bool PlanEditor::setSwapDomain(const QString& domain, qint64 autoSwaps)
{
    State next = m_state;
    next.swapDomain = domain;
    next.autoSwaps = domain.isEmpty() ? 0 : autoSwaps;
    const QString text = domain.isEmpty() ? tr("No knowledge swaps")
                                          : tr("%1 knowledge swaps per layer from '%2'").arg(autoSwaps).arg(domain);
    return push(next, text, PlanEditCommand::NoMerge);
}

bool PlanEditor::setProtectSuperExperts(bool protect)
{
    State next = m_state;
    next.protectSuperExperts = protect;
    return push(next, protect ? tr("Protect super experts") : tr("Do not protect super experts"),
                PlanEditCommand::NoMerge);
}

PlanEditor::ExpertState PlanEditor::expertState(int layer, int expert) const
{
    if (!m_plan)
        return NotInPlan;
    auto it = m_plan->keep.find(layer);
    if (it == m_plan->keep.end() || expert < 0 || expert >= experts())
        return NotInPlan;
    for (const moecut::PlanSwap& s : m_plan->swaps) {
        if (s.layer == layer && s.in == expert)
            return SwappedIn;
        if (s.layer == layer && s.out == expert)
            return SwappedOut;
    }
    return contains(it->second, expert) ? Kept : Dropped;
}

bool PlanEditor::addSwapIn(int layer, int expert)
{
    const ExpertState st = expertState(layer, expert);
    if (st == NotInPlan)
        return fail(tr("layer %1 has no expert %2 in the plan").arg(layer).arg(expert));
    if (st == Kept || st == SwappedIn)
        return fail(tr("layer %1: expert %2 is already kept").arg(layer).arg(expert));
    State next = m_state;
    next.edits.append({SwapEdit::AddIn, layer, expert});
    try {
        if (computePlan(next).keep == m_plan->keep)
            return fail(tr("layer %1: no kept expert can make room for expert %2 (protected or swapped in)")
                            .arg(layer)
                            .arg(expert));
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    return push(next, tr("Swap expert %2 into layer %1").arg(layer).arg(expert), PlanEditCommand::NoMerge);
}

bool PlanEditor::removeSwap(int layer, int expert)
{
    const ExpertState st = expertState(layer, expert);
    if (st != SwappedIn && st != SwappedOut)
        return fail(tr("layer %1: expert %2 is not part of a swap").arg(layer).arg(expert));
    State next = m_state;
    next.edits.append({SwapEdit::Remove, layer, expert});
    return push(next, tr("Undo the swap of expert %2 in layer %1").arg(layer).arg(expert), PlanEditCommand::NoMerge);
}

bool PlanEditor::toggleSwap(int layer, int expert)
{
    switch (expertState(layer, expert)) {
    case Dropped:
        return addSwapIn(layer, expert);
    case SwappedIn:
    case SwappedOut:
        return removeSwap(layer, expert);
    case Kept:
        return fail(tr("layer %1: expert %2 is kept by the ranking; pick a dropped expert to swap in")
                        .arg(layer)
                        .arg(expert));
    case NotInPlan:
        break;
    }
    return fail(tr("layer %1 has no expert %2 in the plan").arg(layer).arg(expert));
}

bool PlanEditor::clearSwapEdits()
{
    State next = m_state;
    next.edits.clear();
    return push(next, tr("Clear the manual swaps"), PlanEditCommand::NoMerge);
}

moecut::Plan PlanEditor::computePlan(const State& s) const
{
    if (!m_table)
        moecut::throw_input("SALIENCY", "no saliency file is loaded");
    moecut::PlanOptions o;
    o.keep = s.keep;
    o.criterion = s.criterion.toStdString();
    o.domain = s.domain.toStdString();
    if (!s.swapDomain.isEmpty() && s.autoSwaps > 0) {
        o.swap_domain = s.swapDomain.toStdString();
        o.swaps = s.autoSwaps;
    }
    o.protect_super_experts = s.protectSuperExperts;
    o.saliency_path = m_path.toStdString();
    moecut::Plan plan = moecut::make_plan(*m_table, o);
    for (const SwapEdit& edit : s.edits)
        applyEdit(plan, s, edit);
    moecut::validate_plan(plan, limits(), "PLAN");
    return plan;
}

void PlanEditor::applyEdit(moecut::Plan& plan, const State& s, const SwapEdit& edit) const
{
    auto keepIt = plan.keep.find(edit.layer);
    const int E = static_cast<int>(m_table->experts);
    if (keepIt == plan.keep.end() || edit.expert < 0 || edit.expert >= E)
        return; // an edit that no longer applies is skipped
    std::vector<int>& kept = keepIt->second;
    auto swapOf = std::find_if(plan.swaps.begin(), plan.swaps.end(), [&](const moecut::PlanSwap& w) {
        return w.layer == edit.layer && (w.in == edit.expert || w.out == edit.expert);
    });
    if (edit.kind == SwapEdit::Remove || (swapOf != plan.swaps.end() && swapOf->out == edit.expert)) {
        if (swapOf == plan.swaps.end())
            return;
        kept.erase(std::find(kept.begin(), kept.end(), swapOf->in));
        kept.push_back(swapOf->out);
        std::sort(kept.begin(), kept.end());
        plan.swaps.erase(swapOf);
        return;
    }
    if (contains(kept, edit.expert))
        return;
    // The weakest kept expert of the same group that may go.
    const auto rowIt = std::find(m_table->layers.begin(), m_table->layers.end(), edit.layer);
    const std::size_t row = static_cast<std::size_t>(rowIt - m_table->layers.begin());
    const std::string crit = s.criterion.toStdString(), dom = s.domain.toStdString();
    const float* score = m_table->matrix(crit, dom).data() + row * static_cast<std::size_t>(E);
    const std::vector<int> rank = saliency::ranksOf(saliency::rankingOf(score, E));
    const std::int64_t groupSize = E / std::max<std::int64_t>(1, m_table->n_group);
    const std::int64_t group = edit.expert / groupSize;
    std::set<int> fixed;
    if (auto p = plan.protected_experts.find(edit.layer); p != plan.protected_experts.end())
        fixed.insert(p->second.begin(), p->second.end());
    for (const moecut::PlanSwap& w : plan.swaps) {
        if (w.layer == edit.layer)
            fixed.insert(w.in);
    }
    int out = -1;
    for (int e : kept) {
        if (e / groupSize != group || fixed.count(e))
            continue;
        if (out < 0 || rank[static_cast<std::size_t>(e)] > rank[static_cast<std::size_t>(out)])
            out = e;
    }
    if (out < 0)
        return;
    kept.erase(std::find(kept.begin(), kept.end(), out));
    kept.push_back(edit.expert);
    std::sort(kept.begin(), kept.end());
    const std::string label = s.swapDomain.isEmpty() ? std::string("manual") : s.swapDomain.toStdString();
    QString reason = QStringLiteral("manual swap in moecut-studio: expert %1 (%2 %3 in '%4', rank %5 of %6) replaces "
                                    "expert %7, the weakest kept by '%4' (rank %8, %9)")
                         .arg(edit.expert)
                         .arg(s.criterion, number(score[edit.expert]), s.domain)
                         .arg(rank[static_cast<std::size_t>(edit.expert)] + 1)
                         .arg(E)
                         .arg(out)
                         .arg(rank[static_cast<std::size_t>(out)] + 1)
                         .arg(number(score[out]));
    if (!s.swapDomain.isEmpty() && m_table->has_domain(label)) {
        const float* score2 = m_table->matrix(crit, label).data() + row * static_cast<std::size_t>(E);
        reason += QStringLiteral("; in '%1': %2 vs %3")
                      .arg(s.swapDomain, number(score2[edit.expert]), number(score2[out]));
    }
    plan.swaps.push_back({edit.layer, out, edit.expert, label, reason.toStdString()});
}
