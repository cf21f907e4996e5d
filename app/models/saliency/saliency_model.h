// A saliency file as a table: one row per MoE block (trunk layers in
// ascending order, then the MTP layers), one column per routed expert. Shows
// one statistic in one domain, or the difference of a statistic between two
// domains (e.g. code - knowledge), optionally sorted within each row
// (column c is then the c-th strongest expert of that row; ExpertRole gives
// its real id). With a plan set (setPlan), every cell also says whether the
// plan keeps, drops or swaps the expert. Holds the table it was given,
// shared with PlanEditor.
#pragma once

#include "moecut/prune_plan.h"
#include "moecut/saliency_file.h"

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class SaliencyModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        ValueRole = Qt::UserRole + 1, // double: the shown value (statistic, or A - B)
        ExpertRole,                   // int: the real expert id of the cell
        LayerRole,                    // int: the model layer index of the row
        MtpRole,                      // bool: the row is an MTP layer
        RankRole,                     // int: rank of the shown value within its row, 0 = highest (ties: lower id)
        PlanStatusRole,               // int: PlanStatus
        SwapPartnerRole,              // int: the other expert of the cell's swap, or -1
    };
    enum PlanStatus { NoPlan, Kept, Dropped, SwappedIn, SwappedOut };
    Q_ENUM(PlanStatus)

    explicit SaliencyModel(QObject* parent = nullptr);

    // Reads and validates a saliency file. On failure the current table stays,
    // errorString() holds one line naming the file, loadFailed is emitted.
    bool loadFile(const QString& path);
    void setTable(std::shared_ptr<const moecut::SaliencyTable> table, const QString& path = {});
    void clear();
    std::shared_ptr<const moecut::SaliencyTable> table() const { return m_table; }
    QString filePath() const { return m_path; }
    QString errorString() const { return m_error; }
    bool isEmpty() const { return !m_table; }

    // Choices of what is shown. Unknown names are refused (false).
    static QStringList statistics(); // count, gate_sum, reap, frequency, ean, norm_max
    QStringList domains() const;     // "all" first
    QString statistic() const { return m_statistic; }
    QString domain() const { return m_domain; }
    bool setStatistic(const QString& statistic);
    bool setDomain(const QString& domain);
    bool setDifference(const QString& domainA, const QString& domainB);
    void clearDifference();
    bool isDifference() const { return m_difference; }
    QString differenceA() const { return m_diffA; }
    QString differenceB() const { return m_diffB; }
    void setSortedWithinLayer(bool sorted);
    bool isSortedWithinLayer() const { return m_sorted; }
    // "reap in 'all'" or "reap: 'code' − 'knowledge'", for axis and scale labels.
    QString valueLabel() const;

    void setPlan(const moecut::Plan& plan);
    void clearPlan();
    bool hasPlan() const { return m_plan.has_value(); }
    const std::optional<moecut::Plan>& plan() const { return m_plan; }

    // Direct access by real expert id (not by column).
    double value(int row, int expert) const;
    int rank(int row, int expert) const;
    PlanStatus planStatus(int row, int expert) const;
    // The column that shows expert in row (the id itself unless sorted).
    int columnOfExpert(int row, int expert) const;
    int expertAt(int row, int column) const;
    int rowOfLayer(int layer) const;
    int layerOfRow(int row) const;
    bool isMtpRow(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void tableChanged();   // a new table (or none): rows, columns and domains may differ
    void displayChanged(); // statistic, domain, difference or sorting changed
    void planChanged();
    void loadFailed(const QString& message);

private:
    void recompute();
    void recomputePlanStatus();
    void announceAllCells(const QList<int>& roles);
    QString toolTip(int row, int expert) const;
    std::size_t cell(int row, int expert) const;

    std::shared_ptr<const moecut::SaliencyTable> m_table;
    QString m_path;
    QString m_error;
    QString m_statistic = QStringLiteral("reap");
    QString m_domain = QStringLiteral("all");
    QString m_diffA, m_diffB;
    bool m_difference = false;
    bool m_sorted = false;
    std::optional<moecut::Plan> m_plan;

    // Derived, rows * experts each, indexed by real expert id unless named.
    std::vector<double> m_values;
    std::vector<int> m_rank;
    std::vector<int> m_order; // by column: the expert shown
    std::vector<unsigned char> m_status;
    std::vector<int> m_partner;
};
