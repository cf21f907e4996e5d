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
        <source>Checkpoint folder to open at start.</source>
        <translation>启动时打开的检查点文件夹。</translation>
    </message>
</context>
</TS>
