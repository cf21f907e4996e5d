<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>CheckpointLoader</name>
    <message>
        <source>internal error: %1</source>
        <translation>interner Fehler: %1</translation>
    </message>
</context>
<context>
    <name>DisplayFormat</name>
    <message>
        <source>%1 K</source>
        <comment>thousand</comment>
        <translation>%1 Tsd.</translation>
    </message>
    <message>
        <source>%1 M</source>
        <comment>million</comment>
        <translation>%1 Mio.</translation>
    </message>
    <message>
        <source>%1 B</source>
        <comment>billion</comment>
        <translation>%1 Mrd.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
<context>
    <name>LayerMapView</name>
    <message>
        <source>Dense</source>
        <translation>Dicht</translation>
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
        <translation>Indexer (eigen)</translation>
    </message>
    <message>
        <source>indexer (shared)</source>
        <translation>Indexer (geteilt)</translation>
    </message>
</context>
<context>
    <name>LayerTableModel</name>
    <message>
        <source>%1 parameters</source>
        <translation>%1 Parameter</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 Byte</translation>
    </message>
    <message>
        <source>MoE</source>
        <translation>MoE</translation>
    </message>
    <message>
        <source>Dense</source>
        <translation>Dicht</translation>
    </message>
    <message>
        <source>MTP</source>
        <translation>MTP</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Eigen</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Geteilt</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Indexer</source>
        <translation>Indexer</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Dense MLP or Mixture-of-Experts block</source>
        <translation>Dichtes MLP oder Mixture-of-Experts-Block</translation>
    </message>
    <message>
        <source>Multi-token prediction layer</source>
        <translation>Schicht für Multi-Token-Vorhersage</translation>
    </message>
    <message>
        <source>Sparse-attention indexer: own weights (full), reused (shared) or none</source>
        <translation>Indexer der Sparse Attention: eigene Gewichte (eigen), wiederverwendet (geteilt) oder keiner</translation>
    </message>
    <message>
        <source>Bytes the layer&apos;s tensors take on disk</source>
        <translation>Bytes, die die Tensoren der Schicht auf der Festplatte belegen</translation>
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
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Checkpoint…</source>
        <translation>Checkpoint ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>Open a Hugging Face checkpoint folder</source>
        <translation>Einen Hugging-Face-Checkpoint-Ordner öffnen</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About moecut studio</source>
        <translation>Ü&amp;ber moecut studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Open Checkpoint Folder</source>
        <translation>Checkpoint-Ordner öffnen</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet …</translation>
    </message>
    <message>
        <source>%1 – moecut studio</source>
        <translation>%1 – moecut studio</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 Schichten</translation>
    </message>
    <message>
        <source>Opened %1; problems found: %2</source>
        <translation>%1 geöffnet; gefundene Probleme: %2</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>%1 konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Could not open checkpoint</source>
        <translation>Checkpoint konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>%1 is not a checkpoint moecut can read.</source>
        <translation>%1 ist kein Checkpoint, den moecut lesen kann.</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>Liste &amp;leeren</translation>
    </message>
    <message>
        <source>About moecut studio</source>
        <translation>Über moecut studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;moecut studio %1&lt;/h3&gt;&lt;p&gt;A workbench for pruning experts from Mixture-of-Experts models and measuring what it costs.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;moecut studio %1&lt;/h3&gt;&lt;p&gt;Eine Werkbank, um Experten aus Mixture-of-Experts-Modellen zu entfernen und zu messen, was es kostet.&lt;/p&gt;</translation>
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
        <translation>Experten-Pruning und ehrliche Bewertung von Mixture-of-Experts-Modellen.</translation>
    </message>
    <message>
        <source>Open Checkpoint…</source>
        <translation>Checkpoint öffnen …</translation>
    </message>
    <message>
        <source>Recent folders</source>
        <translation>Zuletzt geöffnete Ordner</translation>
    </message>
    <message>
        <source>None yet.</source>
        <translation>Noch keine.</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
</context>
<context>
    <name>SummaryModel</name>
    <message>
        <source>Model type</source>
        <translation>Modelltyp</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <source>Trunk layers</source>
        <translation>Hauptschichten</translation>
    </message>
    <message>
        <source>MTP layers</source>
        <translation>MTP-Schichten</translation>
    </message>
    <message>
        <source>MoE layers</source>
        <translation>MoE-Schichten</translation>
    </message>
    <message>
        <source>Dense layers</source>
        <translation>Dichte Schichten</translation>
    </message>
    <message>
        <source>Routed experts</source>
        <translation>Geroutete Experten</translation>
    </message>
    <message>
        <source>Experts per token</source>
        <translation>Experten pro Token</translation>
    </message>
    <message>
        <source>Shared experts</source>
        <translation>Geteilte Experten</translation>
    </message>
    <message>
        <source>Router scoring</source>
        <translation>Router-Bewertung</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>Attention</translation>
    </message>
    <message>
        <source>Indexer layers (full)</source>
        <translation>Indexer-Schichten (eigen)</translation>
    </message>
    <message>
        <source>Indexer layers (shared)</source>
        <translation>Indexer-Schichten (geteilt)</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>Verborgene Dimension</translation>
    </message>
    <message>
        <source>Vocabulary size</source>
        <translation>Vokabulargröße</translation>
    </message>
    <message>
        <source>Parameters (total)</source>
        <translation>Parameter (gesamt)</translation>
    </message>
    <message>
        <source>Parameters (active per token)</source>
        <translation>Parameter (aktiv pro Token)</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>Größe auf der Festplatte</translation>
    </message>
    <message>
        <source>Data types</source>
        <translation>Datentypen</translation>
    </message>
    <message>
        <source>Expert layout</source>
        <translation>Experten-Layout</translation>
    </message>
    <message>
        <source>FP8 weights</source>
        <translation>FP8-Gewichte</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>%1 Parameter</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 Byte</translation>
    </message>
    <message>
        <source>Layers: %1</source>
        <translation>Schichten: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>%1 gefunden</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <source>layers %1</source>
        <translation>Schichten %1</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>No checkpoint open</source>
        <translation>Kein Checkpoint geöffnet</translation>
    </message>
    <message>
        <source>Unknown model</source>
        <translation>Unbekanntes Modell</translation>
    </message>
    <message>
        <source>Problems found:</source>
        <translation>Gefundene Probleme:</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>moecut studio: expert pruning workbench for Mixture-of-Experts models</source>
        <translation>moecut studio: Werkbank für Experten-Pruning von Mixture-of-Experts-Modellen</translation>
    </message>
    <message>
        <source>User interface language (e.g. de, zh_CN).</source>
        <translation>Sprache der Benutzeroberfläche (z. B. de, zh_CN).</translation>
    </message>
    <message>
        <source>Checkpoint folder to open at start.</source>
        <translation>Checkpoint-Ordner, der beim Start geöffnet wird.</translation>
    </message>
</context>
</TS>
