<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CheckpointLoader</name>
    <message>
        <source>internal error: %1</source>
        <translation>内部错误：%1</translation>
    </message>
</context>
<context>
    <name>CsvExporter</name>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1：无法写入（%2）</translation>
    </message>
</context>
<context>
    <name>DesignerDistillationGroup</name>
    <message>
        <source>Distillation (Router-KD)</source>
        <translation>蒸馏（Router-KD）</translation>
    </message>
    <message>
        <source>Retrain only the router gates of the pruned model against the teacher&apos;s next-token distribution, then evaluate it like the other arms</source>
        <translation>仅以教师模型的下一 token 分布为目标，重新训练剪枝后模型的路由门控，然后像其他分支一样进行评估</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Sequences per step:</source>
        <translation>每步序列数：</translation>
    </message>
    <message>
        <source>start and end only</source>
        <translation>仅开始和结束时</translation>
    </message>
    <message>
        <source>Held-out KL every:</source>
        <translation>留出集 KL 评估间隔（步）：</translation>
    </message>
    <message>
        <source>Teacher top-k:</source>
        <translation>教师模型 top-k：</translation>
    </message>
    <message>
        <source>Cache sequence length:</source>
        <translation>缓存序列长度：</translation>
    </message>
    <message>
        <source>the calibration file of the ranking domain</source>
        <translation>排序所依据领域的校准文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Distillation Data</source>
        <translation>蒸馏数据</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Teacher cache data:</source>
        <translation>教师缓存数据：</translation>
    </message>
</context>
<context>
    <name>DesignerExportGroup</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>GGUF (llama.cpp)</source>
        <translation>GGUF（llama.cpp）</translation>
    </message>
    <message>
        <source>NVFP4 checkpoint (vLLM, ModelOpt format)</source>
        <translation>NVFP4 检查点（vLLM，ModelOpt 格式）</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Base type:</source>
        <translation>基础类型：</translation>
    </message>
    <message>
        <source>Tensors whose GGUF name matches the pattern get the type; the first match wins</source>
        <translation>GGUF 名称与模式匹配的张量使用该类型；以第一个匹配为准</translation>
    </message>
    <message>
        <source>Add Rule</source>
        <translation>添加规则</translation>
    </message>
    <message>
        <source>Remove Rule</source>
        <translation>移除规则</translation>
    </message>
    <message>
        <source>Type rules:</source>
        <translation>类型规则：</translation>
    </message>
    <message>
        <source>drop (most portable)</source>
        <translation>移除（兼容性最好）</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>MTP layers:</source>
        <translation>MTP 层：</translation>
    </message>
    <message>
        <source>Fill shared indexer layers (llama.cpp without indexer types)</source>
        <translation>填充共享索引器层（适用于不支持索引器类型的 llama.cpp）</translation>
    </message>
    <message>
        <source>Size: choose a model</source>
        <translation>大小：请选择模型</translation>
    </message>
    <message>
        <source>Estimated size:</source>
        <translation>估计大小：</translation>
    </message>
    <message>
        <source>Size unknown: %1</source>
        <translation>大小未知：%1</translation>
    </message>
    <message>
        <source>Estimated for GGUF only</source>
        <translation>仅对 GGUF 估计</translation>
    </message>
    <message>
        <source>Export is off</source>
        <translation>导出已关闭</translation>
    </message>
    <message>
        <source>Estimating…</source>
        <translation>正在估计…</translation>
    </message>
</context>
<context>
    <name>DesignerPage</name>
    <message>
        <source>Model and calibration</source>
        <translation>模型与校准</translation>
    </message>
    <message>
        <source>Experiment name:</source>
        <translation>实验名称：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>No model chosen.</source>
        <translation>未选择模型。</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>领域</translation>
    </message>
    <message>
        <source>Calibration file (JSONL)</source>
        <translation>校准文件（JSONL）</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>校准：</translation>
    </message>
    <message>
        <source>Sequence length:</source>
        <translation>序列长度：</translation>
    </message>
    <message>
        <source>all data</source>
        <translation>全部数据</translation>
    </message>
    <message>
        <source>Token budget:</source>
        <translation>Token 预算：</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>Keep K experts per layer:</source>
        <translation>每层保留 K 个专家：</translation>
    </message>
    <message>
        <source>Criterion:</source>
        <translation>准则：</translation>
    </message>
    <message>
        <source>Rank on domain:</source>
        <translation>排序所依据的领域：</translation>
    </message>
    <message>
        <source>Swap in from domain:</source>
        <translation>换入来源领域：</translation>
    </message>
    <message>
        <source>Swaps per layer:</source>
        <translation>每层交换数：</translation>
    </message>
    <message>
        <source>Always keep super experts</source>
        <translation>始终保留超级专家</translation>
    </message>
    <message>
        <source>computed from saliency (or a plan edited in the Saliency view)</source>
        <translation>由 saliency 计算（或在 Saliency 视图中编辑的方案）</translation>
    </message>
    <message>
        <source>Edited plan:</source>
        <translation>已编辑的方案：</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Probe File</source>
        <translation>探针文件</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Probes:</source>
        <translation>探针：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Probes to sample (n):</source>
        <translation>抽样探针数 (n)：</translation>
    </message>
    <message>
        <source>Token cap:</source>
        <translation>Token 上限：</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Also evaluate the unpruned teacher (baseline)</source>
        <translation>同时评估未剪枝的教师模型（基线）</translation>
    </message>
    <message>
        <source>e.g. 0, 0.05, 0.1 (empty: no sweep)</source>
        <translation>例如 0, 0.05, 0.1（留空：不扫描）</translation>
    </message>
    <message>
        <source>Guardrail grid min_p:</source>
        <translation>护栏网格 min_p：</translation>
    </message>
    <message>
        <source>e.g. 1, 1.1</source>
        <translation>例如 1, 1.1</translation>
    </message>
    <message>
        <source>Guardrail grid rep_pen:</source>
        <translation>护栏网格 rep_pen：</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Run on:</source>
        <translation>运行于：</translation>
    </message>
    <message>
        <source>Commands this experiment runs</source>
        <translation>本实验运行的命令</translation>
    </message>
    <message>
        <source>Copy Commands</source>
        <translation>复制命令</translation>
    </message>
    <message>
        <source>Launch Experiment</source>
        <translation>启动实验</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Calibration File</source>
        <translation>校准文件</translation>
    </message>
    <message>
        <source>%1 · %2 layers · %3 routed experts, top-%4 · %5 parameters</source>
        <translation>%1 · %2 层 · %3 个路由专家，top-%4 · %5 参数</translation>
    </message>
    <message>
        <source>of %1: drops %2 per layer (%3%)</source>
        <translation>共 %1：每层剪除 %2 个（%3%）</translation>
    </message>
    <message>
        <source>the guardrail grid holds %1, which is not a number</source>
        <translation>护栏网格包含 %1，这不是数字</translation>
    </message>
</context>
<context>
    <name>DisplayFormat</name>
    <message>
        <source>%1 K</source>
        <comment>thousand</comment>
        <translation>%1 K</translation>
    </message>
    <message>
        <source>%1 M</source>
        <comment>million</comment>
        <translation>%1 M</translation>
    </message>
    <message>
        <source>%1 B</source>
        <comment>billion</comment>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>ExportMenus</name>
    <message>
        <source>Export Plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>Unknown file type: %1</source>
        <translation>未知的文件类型：%1</translation>
    </message>
    <message>
        <source>Export Table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export Plot…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <source>Export Table as CSV…</source>
        <translation>将表格导出为 CSV…</translation>
    </message>
</context>
<context>
    <name>ExportSizeEstimator</name>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>%1 无法启动：%2</translation>
    </message>
    <message>
        <source>the export dry run failed (exit code %1)</source>
        <translation>导出试运行失败（退出码 %1）</translation>
    </message>
    <message>
        <source>the export dry run printed no plan</source>
        <translation>导出试运行未输出计划</translation>
    </message>
    <message>
        <source>~%1 MB, %2 of %3 tensors quantised</source>
        <translation>约 %1 MB，%3 个张量中 %2 个已量化</translation>
    </message>
    <message>
        <source>(teacher %1 MB scaled to the kept %2% of the experts)</source>
        <translation>（教师模型 %1 MB，按保留的 %2% 专家缩放）</translation>
    </message>
</context>
<context>
    <name>GgufTypeRulesModel</name>
    <message>
        <source>Tensor pattern (regex)</source>
        <translation>张量模式（正则表达式）</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
</context>
<context>
    <name>JobMonitorView</name>
    <message>
        <source>No progress yet</source>
        <translation>尚无进度</translation>
    </message>
    <message>
        <source>%1 of %2 %3</source>
        <translation>%1 / %2 %3</translation>
    </message>
    <message>
        <source>units</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Elapsed %1</source>
        <translation>已用时 %1</translation>
    </message>
    <message>
        <source>ETA —</source>
        <translation>剩余时间 —</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>剩余时间 %1</translation>
    </message>
    <message>
        <source>%1 %2/s</source>
        <translation>%1 %2/秒</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>当前：%1</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>指标：</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>搜索日志</translation>
    </message>
    <message>
        <source>The chosen metric as samples land; the band is its 95% interval</source>
        <translation>所选指标随样本到达而更新；阴影带为其 95% 区间</translation>
    </message>
</context>
<context>
    <name>JobProgressModel</name>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>%1 %2/s</source>
        <translation>%1 %2/秒</translation>
    </message>
    <message>
        <source>units</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>当前</translation>
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
</context>
<context>
    <name>LayerMapView</name>
    <message>
        <source>Dense</source>
        <translation>稠密</translation>
    </message>
    <message>
        <source>MoE</source>
        <translation>MoE</translation>
    </message>
    <message>
        <source>MTP</source>
        <translation>MTP</translation>
    </message>
    <message>
        <source>indexer (full)</source>
        <translation>索引器（独立）</translation>
    </message>
    <message>
        <source>indexer (shared)</source>
        <translation>索引器（共享）</translation>
    </message>
</context>
<context>
    <name>LayerTableModel</name>
    <message>
        <source>%1 parameters</source>
        <translation>%1 个参数</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>MoE</source>
        <translation>MoE</translation>
    </message>
    <message>
        <source>Dense</source>
        <translation>稠密</translation>
    </message>
    <message>
        <source>MTP</source>
        <translation>MTP</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>独立</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>共享</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Indexer</source>
        <translation>索引器</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Dense MLP or Mixture-of-Experts block</source>
        <translation>稠密 MLP 或混合专家（MoE）模块</translation>
    </message>
    <message>
        <source>Multi-token prediction layer</source>
        <translation>多 token 预测层</translation>
    </message>
    <message>
        <source>Sparse-attention indexer: own weights (full), reused (shared) or none</source>
        <translation>稀疏注意力索引器：自有权重（独立）、复用（共享）或无</translation>
    </message>
    <message>
        <source>Bytes the layer&apos;s tensors take on disk</source>
        <translation>该层张量在磁盘上占用的字节数</translation>
    </message>
</context>
<context>
    <name>LeaderboardModel</name>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>%1 vs %2: diff %3, 95% CI %4; z-test p %5, Fisher p %6</source>
        <translation>%1 对 %2：差值 %3，95% 置信区间 %4；z 检验 p %5，Fisher p %6</translation>
    </message>
    <message>
        <source>; McNemar p %1 on %2 pairs (only baseline looped %3, only this run %4)</source>
        <translation>；McNemar p %1，共 %2 对（仅基线循环 %3，仅本次运行 %4）</translation>
    </message>
    <message>
        <source>Model / config</source>
        <translation>模型 / 配置</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>循环率</translation>
    </message>
    <message>
        <source>95% CI low</source>
        <translation>95% 置信区间下限</translation>
    </message>
    <message>
        <source>95% CI high</source>
        <translation>95% 置信区间上限</translation>
    </message>
    <message>
        <source>EOS rate</source>
        <translation>EOS 率</translation>
    </message>
    <message>
        <source>Distinct-4</source>
        <translation>Distinct-4</translation>
    </message>
    <message>
        <source>Median tokens</source>
        <translation>Token 中位数</translation>
    </message>
    <message>
        <source>Δ vs baseline</source>
        <translation>相对基线 Δ</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>p (Holm)</source>
        <translation>p（Holm）</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>检验</translation>
    </message>
    <message>
        <source>Significance</source>
        <translation>显著性</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>job %1 (exit code %2)</source>
        <translation>作业 %1（退出码 %2）</translation>
    </message>
    <message>
        <source>job %1</source>
        <translation>作业 %1</translation>
    </message>
    <message>
        <source>wrote %1: %2</source>
        <translation>已写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 %2  %3</source>
        <translation>%1 %2  %3</translation>
    </message>
</context>
<context>
    <name>LoopRateChart</name>
    <message>
        <source>Loop rate per model / configuration (95% CI)</source>
        <translation>各模型 / 配置的循环率（95% 置信区间）</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>循环率（%）</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>moecut studio</source>
        <translation>moecut studio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Checkpoint…</source>
        <translation>打开检查点(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a Hugging Face checkpoint folder</source>
        <translation>打开 Hugging Face 检查点文件夹</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About moecut studio</source>
        <translation>关于 moecut studio(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Open Checkpoint Folder</source>
        <translation>打开检查点文件夹</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>%1 – moecut studio</source>
        <translation>%1 – moecut studio</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>Opened %1; problems found: %2</source>
        <translation>已打开 %1；发现问题：%2</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <source>Could not open checkpoint</source>
        <translation>无法打开检查点</translation>
    </message>
    <message>
        <source>%1 is not a checkpoint moecut can read.</source>
        <translation>%1 不是 moecut 可读取的检查点。</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>清空列表(&amp;C)</translation>
    </message>
    <message>
        <source>About moecut studio</source>
        <translation>关于 moecut studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;moecut studio %1&lt;/h3&gt;&lt;p&gt;A workbench for pruning experts from Mixture-of-Experts models and measuring what it costs.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;moecut studio %1&lt;/h3&gt;&lt;p&gt;用于剪枝混合专家（MoE）模型中的专家并衡量其代价的工作台。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Designer</source>
        <translation>设计器</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>Saliency</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>监视器</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Experiment: </source>
        <translation>实验：</translation>
    </message>
    <message>
        <source>&amp;New Project…</source>
        <translation>新建项目(&amp;N)…</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <source>Open the &amp;Demo Project</source>
        <translation>打开演示项目(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Could not open project</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <source>A job did not start</source>
        <translation>有作业未能启动</translation>
    </message>
    <message>
        <source>Opened project %1</source>
        <translation>已打开项目 %1</translation>
    </message>
    <message>
        <source>Open Project Folder</source>
        <translation>打开项目文件夹</translation>
    </message>
    <message>
        <source>New Project: Choose an Empty Folder</source>
        <translation>新建项目：选择一个空文件夹</translation>
    </message>
    <message>
        <source>Demo not found</source>
        <translation>未找到演示</translation>
    </message>
    <message>
        <source>The demo model was not found: set MOECUT_RESOURCES to moecut&apos;s resources folder.</source>
        <translation>未找到演示模型：请将 MOECUT_RESOURCES 设为 moecut 的资源文件夹。</translation>
    </message>
    <message>
        <source>Could not create the demo experiment</source>
        <translation>无法创建演示实验</translation>
    </message>
    <message>
        <source>The demo experiment is ready: press Launch Experiment.</source>
        <translation>演示实验已就绪：请点击“启动实验”。</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>没有项目</translation>
    </message>
    <message>
        <source>Open or create a project first.</source>
        <translation>请先打开或创建一个项目。</translation>
    </message>
    <message>
        <source>Could not launch the experiment</source>
        <translation>无法启动实验</translation>
    </message>
    <message numerus="yes">
        <source>Launched %n job(s).</source>
        <translation>
            <numerusform>已启动 %n 个作业。</numerusform>
        </translation>
    </message>
    <message>
        <source>moecut experiment %1</source>
        <translation>moecut 实验 %1</translation>
    </message>
</context>
<context>
    <name>MetricSeriesModel</name>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>95% low</source>
        <translation>95% 下限</translation>
    </message>
    <message>
        <source>95% high</source>
        <translation>95% 上限</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>循环率</translation>
    </message>
    <message>
        <source>EOS rate</source>
        <translation>EOS 率</translation>
    </message>
    <message>
        <source>KD loss</source>
        <translation>KD 损失</translation>
    </message>
    <message>
        <source>KL to the teacher</source>
        <translation>与教师模型的 KL</translation>
    </message>
    <message>
        <source>Top-1 agreement with the teacher</source>
        <translation>与教师模型的 Top-1 一致率</translation>
    </message>
    <message>
        <source>Router entropy</source>
        <translation>路由熵</translation>
    </message>
    <message>
        <source>Held-out KL to the teacher</source>
        <translation>留出集上与教师模型的 KL</translation>
    </message>
</context>
<context>
    <name>MonitorPage</name>
    <message>
        <source>No job selected.</source>
        <translation>未选择作业。</translation>
    </message>
    <message>
        <source>Cancel Job</source>
        <translation>取消作业</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>PerSourceChart</name>
    <message>
        <source>Loop rate per source (95% CI)</source>
        <translation>各来源的循环率（95% 置信区间）</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>循环率（%）</translation>
    </message>
</context>
<context>
    <name>PerSourceModel</name>
    <message>
        <source>Model / config</source>
        <translation>模型 / 配置</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loops</source>
        <translation>循环数</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>循环率</translation>
    </message>
    <message>
        <source>95% CI low</source>
        <translation>95% 置信区间下限</translation>
    </message>
    <message>
        <source>95% CI high</source>
        <translation>95% 置信区间上限</translation>
    </message>
    <message>
        <source>EOS rate</source>
        <translation>EOS 率</translation>
    </message>
    <message>
        <source>Distinct-4</source>
        <translation>Distinct-4</translation>
    </message>
    <message>
        <source>Median tokens</source>
        <translation>Token 中位数</translation>
    </message>
</context>
<context>
    <name>PlanEditor</name>
    <message>
        <source>no saliency file is loaded</source>
        <translation>未加载 saliency 文件</translation>
    </message>
    <message>
        <source>the saliency file does not record the router&apos;s top_k; cannot check K</source>
        <translation>saliency 文件未记录 router 的 top_k；无法检查 K</translation>
    </message>
    <message>
        <source>%1: there is no plan to save (load a saliency file first)</source>
        <translation>%1：没有可保存的方案（请先加载 saliency 文件）</translation>
    </message>
    <message>
        <source>Keep %1 experts per layer</source>
        <translation>每层保留 %1 个专家</translation>
    </message>
    <message>
        <source>criterion &quot;%1&quot; is not one of reap, frequency, ean</source>
        <translation>准则“%1”不是 reap、frequency、ean 之一</translation>
    </message>
    <message>
        <source>Rank by %1</source>
        <translation>按 %1 排序</translation>
    </message>
    <message>
        <source>Rank on domain &apos;%1&apos;</source>
        <translation>在领域“%1”上排序</translation>
    </message>
    <message>
        <source>No knowledge swaps</source>
        <translation>不进行知识交换</translation>
    </message>
    <message>
        <source>%1 knowledge swaps per layer from &apos;%2&apos;</source>
        <translation>每层从“%2”进行 %1 次知识交换</translation>
    </message>
    <message>
        <source>Protect super experts</source>
        <translation>保护超级专家</translation>
    </message>
    <message>
        <source>Do not protect super experts</source>
        <translation>不保护超级专家</translation>
    </message>
    <message>
        <source>layer %1 has no expert %2 in the plan</source>
        <translation>第 %1 层在方案中没有专家 %2</translation>
    </message>
    <message>
        <source>layer %1: expert %2 is already kept</source>
        <translation>第 %1 层：专家 %2 已被保留</translation>
    </message>
    <message>
        <source>layer %1: no kept expert can make room for expert %2 (protected or swapped in)</source>
        <translation>第 %1 层：没有已保留的专家能为专家 %2 让位（均受保护或已换入）</translation>
    </message>
    <message>
        <source>Swap expert %2 into layer %1</source>
        <translation>将专家 %2 换入第 %1 层</translation>
    </message>
    <message>
        <source>layer %1: expert %2 is not part of a swap</source>
        <translation>第 %1 层：专家 %2 不属于任何交换</translation>
    </message>
    <message>
        <source>Undo the swap of expert %2 in layer %1</source>
        <translation>撤销第 %1 层专家 %2 的交换</translation>
    </message>
    <message>
        <source>layer %1: expert %2 is kept by the ranking; pick a dropped expert to swap in</source>
        <translation>第 %1 层：专家 %2 已按排序保留；请选择一个被剪除的专家换入</translation>
    </message>
    <message>
        <source>Clear the manual swaps</source>
        <translation>清除手动交换</translation>
    </message>
</context>
<context>
    <name>PlotExporter</name>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1：无法写入（%2）</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 图形 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>%1: nothing to export (no plot or an empty size)</source>
        <translation>%1：没有可导出的内容（无图表或尺寸为空）</translation>
    </message>
    <message>
        <source>%1: could not render the plot as PNG</source>
        <translation>%1：无法将图表渲染为 PNG</translation>
    </message>
    <message>
        <source>%1: could not render the plot as SVG</source>
        <translation>%1：无法将图表渲染为 SVG</translation>
    </message>
    <message>
        <source>%1: could not write the PDF</source>
        <translation>%1：无法写入 PDF</translation>
    </message>
    <message>
        <source>%1: cannot write (rename failed)</source>
        <translation>%1：无法写入（重命名失败）</translation>
    </message>
</context>
<context>
    <name>RecipeStepsModel</name>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>运行文件夹</translation>
    </message>
    <message>
        <source>After</source>
        <translation>前置步骤</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
</context>
<context>
    <name>ReportWriter</name>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1：无法写入（%2）</translation>
    </message>
    <message>
        <source>HTML report (*.html);;PDF report (*.pdf);;Markdown report (*.md)</source>
        <translation>HTML 报告 (*.html);;PDF 报告 (*.pdf);;Markdown 报告 (*.md)</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>Model fingerprint</source>
        <translation>模型指纹</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Cap (max new tokens)</source>
        <translation>上限（最大新 token 数）</translation>
    </message>
    <message>
        <source>Stop at loop</source>
        <translation>遇到循环时停止</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>检测器</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Probes</source>
        <translation>探针</translation>
    </message>
    <message>
        <source>%1 (n %2, %3 sample(s) per probe, SHA-256 %4)</source>
        <translation>%1（n %2，每个探针 %3 个样本，SHA-256 %4）</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>区间</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Runs and their settings</source>
        <translation>运行及其设置</translation>
    </message>
    <message>
        <source>Sweep %1 (%2): %3 cells, baseline %4</source>
        <translation>扫描 %1（%2）：%3 个单元，基线 %4</translation>
    </message>
    <message>
        <source>Equivalent command, rebuilt from results.json:</source>
        <translation>由 results.json 重建的等效命令：</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>%1: unknown report format (use .html, .pdf or .md)</source>
        <translation>%1：未知的报告格式（请使用 .html、.pdf 或 .md）</translation>
    </message>
    <message>
        <source>%1: could not render figure %2</source>
        <translation>%1：无法渲染图 %2</translation>
    </message>
</context>
<context>
    <name>ResultsChart</name>
    <message>
        <source>%1: unknown plot format (use .png, .svg or .pdf)</source>
        <translation>%1：未知的图表格式（请使用 .png、.svg 或 .pdf）</translation>
    </message>
</context>
<context>
    <name>ResultsComparison</name>
    <message>
        <source>McNemar</source>
        <translation>McNemar</translation>
    </message>
    <message>
        <source>z-test</source>
        <translation>z 检验</translation>
    </message>
    <message>
        <source>ns</source>
        <translation>不显著</translation>
    </message>
</context>
<context>
    <name>ResultsFormat</name>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>%1%2 pts</source>
        <translation>%1%2 个百分点</translation>
    </message>
</context>
<context>
    <name>ResultsLoader</name>
    <message>
        <source>%1: cannot open (%2)</source>
        <translation>%1：无法打开（%2）</translation>
    </message>
    <message>
        <source>%1: not valid JSON (%2)</source>
        <translation>%1：不是有效的 JSON（%2）</translation>
    </message>
    <message>
        <source>%1: not a sample record (no probe_id or outcome)</source>
        <translation>%1：不是样本记录（缺少 probe_id 或 outcome）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: no results.json (not a finished moecut eval run)</source>
        <translation>%1：没有 results.json（不是已完成的 moecut eval 运行）</translation>
    </message>
    <message>
        <source>%1: no &quot;metrics&quot; object (not a moecut eval results.json)</source>
        <translation>%1：没有 &quot;metrics&quot; 对象（不是 moecut eval 的 results.json）</translation>
    </message>
    <message>
        <source>%1: no results.json (not a finished moecut sweep)</source>
        <translation>%1：没有 results.json（不是已完成的 moecut sweep）</translation>
    </message>
    <message>
        <source>%1: no &quot;cells&quot; array (not a moecut sweep results.json)</source>
        <translation>%1：没有 &quot;cells&quot; 数组（不是 moecut sweep 的 results.json）</translation>
    </message>
    <message>
        <source>%1: cell %2 has no name or metrics</source>
        <translation>%1：单元 %2 没有名称或指标</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>Loop evaluation results</source>
        <translation>循环评估结果</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>导出报告…</translation>
    </message>
    <message>
        <source>Export plot…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <source>Export table as CSV…</source>
        <translation>将表格导出为 CSV…</translation>
    </message>
    <message>
        <source>Baseline:</source>
        <translation>基线：</translation>
    </message>
    <message>
        <source>Leaderboard</source>
        <translation>排行榜</translation>
    </message>
    <message>
        <source>Per source</source>
        <translation>按来源</translation>
    </message>
    <message>
        <source>Sweep:</source>
        <translation>扫描：</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>折线图</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>A (baseline):</source>
        <translation>A（基线）：</translation>
    </message>
    <message>
        <source>B:</source>
        <translation>B：</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s); every run is tested against the baseline %1 (McNemar when both runs hold the same probe and sample keys, else the pooled z-test), Holm-adjusted across runs. Intervals are 95%.</source>
        <translation>
            <numerusform>%n 次运行；每次运行都与基线 %1 进行检验（两次运行具有相同探针和样本键时用 McNemar，否则用合并 z 检验），并在各运行间做 Holm 校正。区间为 95%。</numerusform>
        </translation>
    </message>
    <message>
        <source>Sweep %1</source>
        <translation>扫描 %1</translation>
    </message>
    <message>
        <source>%1 vs %2</source>
        <translation>%1 对 %2</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>RunComparisonChart</name>
    <message>
        <source>Loop rate per source, two runs (95% CI)</source>
        <translation>各来源的循环率，两次运行（95% 置信区间）</translation>
    </message>
    <message>
        <source>Loop-rate difference per source, B − A (95% CI)</source>
        <translation>各来源的循环率差值，B − A（95% 置信区间）</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>循环率（%）</translation>
    </message>
    <message>
        <source>Δ loop rate, B − A (points)</source>
        <translation>Δ 循环率，B − A（百分点）</translation>
    </message>
</context>
<context>
    <name>RunComparisonModel</name>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>n (%1)</source>
        <translation>n（%1）</translation>
    </message>
    <message>
        <source>Loop rate (%1)</source>
        <translation>循环率（%1）</translation>
    </message>
    <message>
        <source>CI low (%1)</source>
        <translation>置信区间下限（%1）</translation>
    </message>
    <message>
        <source>CI high (%1)</source>
        <translation>置信区间上限（%1）</translation>
    </message>
    <message>
        <source>Δ (B − A)</source>
        <translation>Δ（B − A）</translation>
    </message>
    <message>
        <source>Δ CI low</source>
        <translation>Δ 置信区间下限</translation>
    </message>
    <message>
        <source>Δ CI high</source>
        <translation>Δ 置信区间上限</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>检验</translation>
    </message>
    <message>
        <source>Significance</source>
        <translation>显著性</translation>
    </message>
</context>
<context>
    <name>SaliencyDistributionModel</name>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>剪除</translation>
    </message>
    <message>
        <source>swapped in</source>
        <translation>换入</translation>
    </message>
    <message>
        <source>swapped out</source>
        <translation>换出</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
</context>
<context>
    <name>SaliencyDistributionPlot</name>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>剪除</translation>
    </message>
    <message>
        <source>swapped in</source>
        <translation>换入</translation>
    </message>
    <message>
        <source>Rank within layer</source>
        <translation>层内排名</translation>
    </message>
    <message>
        <source>keep %1</source>
        <translation>保留 %1</translation>
    </message>
</context>
<context>
    <name>SaliencyHeatmap</name>
    <message>
        <source>swapped in</source>
        <translation>换入</translation>
    </message>
    <message>
        <source>swapped out</source>
        <translation>换出</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Rank within layer</source>
        <translation>层内排名</translation>
    </message>
</context>
<context>
    <name>SaliencyModel</name>
    <message>
        <source>%1: &apos;%2&apos; − &apos;%3&apos;</source>
        <translation>%1：“%2” − “%3”</translation>
    </message>
    <message>
        <source>%1 in &apos;%2&apos;</source>
        <translation>%1（“%2”）</translation>
    </message>
    <message>
        <source>The expert ranked %1 in its layer</source>
        <translation>在其层中排名第 %1 的专家</translation>
    </message>
    <message>
        <source>Expert %1</source>
        <translation>专家 %1</translation>
    </message>
    <message>
        <source>MTP layer %1</source>
        <translation>MTP 层 %1</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>MTP %1</source>
        <translation>MTP %1</translation>
    </message>
    <message>
        <source>MTP layer %1, expert %2</source>
        <translation>MTP 层 %1，专家 %2</translation>
    </message>
    <message>
        <source>Layer %1, expert %2</source>
        <translation>第 %1 层，专家 %2</translation>
    </message>
    <message>
        <source>%1: %2 (rank %3 of %4 in this layer)</source>
        <translation>%1：%2（本层 %4 个中排名第 %3）</translation>
    </message>
    <message>
        <source>Plan: kept</source>
        <translation>方案：保留</translation>
    </message>
    <message>
        <source>Plan: dropped</source>
        <translation>方案：剪除</translation>
    </message>
    <message>
        <source>Plan: swapped in, replacing expert %1</source>
        <translation>方案：换入，替换专家 %1</translation>
    </message>
    <message>
        <source>Plan: swapped out for expert %1</source>
        <translation>方案：换出，由专家 %1 替代</translation>
    </message>
</context>
<context>
    <name>SaliencyPage</name>
    <message>
        <source>No saliency yet: launch the experiment, its first step measures it.</source>
        <translation>尚无 saliency：请启动实验，其第一步会测量它。</translation>
    </message>
    <message>
        <source>Save Plan</source>
        <translation>保存方案</translation>
    </message>
    <message>
        <source>Prune and Evaluate with This Plan</source>
        <translation>用此方案剪枝并评估</translation>
    </message>
    <message>
        <source>Saliency of %1</source>
        <translation>%1 的 saliency</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>SaliencyView</name>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>minus</source>
        <translation>减去</translation>
    </message>
    <message>
        <source>Sort within layer</source>
        <translation>层内排序</translation>
    </message>
    <message>
        <source>Protect super experts</source>
        <translation>保护超级专家</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>保存方案…</translation>
    </message>
    <message>
        <source>Show the statistic in the first domain minus the second</source>
        <translation>显示第一个领域减去第二个领域的统计量</translation>
    </message>
    <message>
        <source>Knowledge swaps per layer: the experts the swap domain rates highest that the ranking dropped replace the weakest kept ones</source>
        <translation>每层知识交换：交换领域评分最高、但被排序剪除的专家，替换最弱的已保留专家</translation>
    </message>
    <message>
        <source>Always keep super experts (REAP&apos;s norm_max outlier rule)</source>
        <translation>始终保留超级专家（REAP 的 norm_max 离群规则）</translation>
    </message>
    <message>
        <source>Experts kept in every MoE and MTP layer</source>
        <translation>每个 MoE 层和 MTP 层保留的专家数</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>in</source>
        <translation>在</translation>
    </message>
    <message>
        <source>Plan: rank by</source>
        <translation>方案：排序依据</translation>
    </message>
    <message>
        <source>on</source>
        <translation>基于领域</translation>
    </message>
    <message>
        <source>swaps from</source>
        <translation>交换来源</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Undo: %1</source>
        <translation>撤销：%1</translation>
    </message>
    <message>
        <source>Redo: %1</source>
        <translation>重做：%1</translation>
    </message>
    <message>
        <source>drops %1 experts per layer (%2%)</source>
        <translation>每层剪除 %1 个专家（%2%）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>The language changes at the next start of moecut studio.</source>
        <translation>语言将在下次启动 moecut studio 时更改。</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>moecut studio</source>
        <translation>moecut studio</translation>
    </message>
    <message>
        <source>Expert pruning and honest evaluation of Mixture-of-Experts models.</source>
        <translation>混合专家（MoE）模型的专家剪枝与客观评估。</translation>
    </message>
    <message>
        <source>Open Checkpoint…</source>
        <translation>打开检查点…</translation>
    </message>
    <message>
        <source>Recent folders</source>
        <translation>最近的文件夹</translation>
    </message>
    <message>
        <source>None yet.</source>
        <translation>暂无。</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>打开 %1</translation>
    </message>
    <message>
        <source>Open the Demo Project</source>
        <translation>打开演示项目</translation>
    </message>
    <message>
        <source>A tiny Mixture-of-Experts model in GLM-5&apos;s layout, trained by moecut, with calibration data and held-out probes: saliency, plan, pruning and loop evaluation run on this computer&apos;s CPU in a few minutes.</source>
        <translation>一个采用 GLM-5 结构、由 moecut 训练的微型混合专家模型，附带校准数据和留出的探针：saliency、方案、剪枝和循环评估在本机 CPU 上几分钟即可完成。</translation>
    </message>
    <message>
        <source>New Project…</source>
        <translation>新建项目…</translation>
    </message>
    <message>
        <source>Open Project…</source>
        <translation>打开项目…</translation>
    </message>
</context>
<context>
    <name>SummaryModel</name>
    <message>
        <source>Model type</source>
        <translation>模型类型</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Trunk layers</source>
        <translation>主干层数</translation>
    </message>
    <message>
        <source>MTP layers</source>
        <translation>MTP 层</translation>
    </message>
    <message>
        <source>MoE layers</source>
        <translation>MoE 层</translation>
    </message>
    <message>
        <source>Dense layers</source>
        <translation>稠密层</translation>
    </message>
    <message>
        <source>Routed experts</source>
        <translation>路由专家数</translation>
    </message>
    <message>
        <source>Experts per token</source>
        <translation>每个 token 的专家数</translation>
    </message>
    <message>
        <source>Shared experts</source>
        <translation>共享专家数</translation>
    </message>
    <message>
        <source>Router scoring</source>
        <translation>路由打分</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Indexer layers (full)</source>
        <translation>索引器层（独立）</translation>
    </message>
    <message>
        <source>Indexer layers (shared)</source>
        <translation>索引器层（共享）</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>隐藏层维度</translation>
    </message>
    <message>
        <source>Vocabulary size</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>Parameters (total)</source>
        <translation>参数量（总计）</translation>
    </message>
    <message>
        <source>Parameters (active per token)</source>
        <translation>参数量（每 token 激活）</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>磁盘占用</translation>
    </message>
    <message>
        <source>Data types</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>Expert layout</source>
        <translation>专家布局</translation>
    </message>
    <message>
        <source>FP8 weights</source>
        <translation>FP8 权重</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>%1 个参数</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>Layers: %1</source>
        <translation>层：%1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>发现 %1 个</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>layers %1</source>
        <translation>第 %1 层</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>No checkpoint open</source>
        <translation>未打开检查点</translation>
    </message>
    <message>
        <source>Unknown model</source>
        <translation>未知模型</translation>
    </message>
    <message>
        <source>Problems found:</source>
        <translation>发现的问题：</translation>
    </message>
</context>
<context>
    <name>SweepHeatmap</name>
    <message>
        <source>Sweep: loop rate per grid cell</source>
        <translation>扫描：各网格单元的循环率</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>循环率（%）</translation>
    </message>
</context>
<context>
    <name>SweepLinesChart</name>
    <message>
        <source>Sweep: loop rate by setting (95% CI bands)</source>
        <translation>扫描：按设置的循环率（95% 置信区间带）</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>循环率（%）</translation>
    </message>
    <message>
        <source>loop rate</source>
        <translation>循环率</translation>
    </message>
</context>
<context>
    <name>SweepModel</name>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>x</source>
        <translation>x</translation>
    </message>
    <message>
        <source>y</source>
        <translation>y</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loops</source>
        <translation>循环数</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>循环率</translation>
    </message>
    <message>
        <source>95% CI low</source>
        <translation>95% 置信区间下限</translation>
    </message>
    <message>
        <source>95% CI high</source>
        <translation>95% 置信区间上限</translation>
    </message>
    <message>
        <source>Δ vs baseline</source>
        <translation>相对基线 Δ</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>p (Holm)</source>
        <translation>p（Holm）</translation>
    </message>
    <message>
        <source>p (BH)</source>
        <translation>p（BH）</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>检验</translation>
    </message>
    <message>
        <source>Significance</source>
        <translation>显著性</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>moecut studio: expert pruning workbench for Mixture-of-Experts models</source>
        <translation>moecut studio：混合专家（MoE）模型的专家剪枝工作台</translation>
    </message>
    <message>
        <source>User interface language (e.g. de, zh_CN).</source>
        <translation>界面语言（例如 de、zh_CN）。</translation>
    </message>
    <message>
        <source>moecut-studio: cannot write %1: %2</source>
        <translation>moecut-studio：无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Open the embedded demo project.</source>
        <translation>打开内置的演示项目。</translation>
    </message>
    <message>
        <source>Render a page to FILE (PNG) and exit.</source>
        <translation>将页面渲染为 FILE（PNG）并退出。</translation>
    </message>
    <message>
        <source>The page to show: start, designer, saliency, monitor, results, model.</source>
        <translation>要显示的页面：start、designer、saliency、monitor、results、model。</translation>
    </message>
    <message>
        <source>Launch the current experiment at start.</source>
        <translation>启动时运行当前实验。</translation>
    </message>
    <message>
        <source>With --screenshot: wait until the project&apos;s jobs have finished.</source>
        <translation>配合 --screenshot：等待项目的作业全部结束。</translation>
    </message>
    <message>
        <source>Project or checkpoint folder to open at start.</source>
        <translation>启动时打开的项目或检查点文件夹。</translation>
    </message>
    <message>
        <source>moecut-studio: unknown view %1</source>
        <translation>moecut-studio：未知视图 %1</translation>
    </message>
</context>
</TS>
