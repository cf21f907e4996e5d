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
    <name>CsvExporter</name>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1: kann nicht geschrieben werden (%2)</translation>
    </message>
</context>
<context>
    <name>DesignerDistillationGroup</name>
    <message>
        <source>Distillation (Router-KD)</source>
        <translation>Destillation (Router-KD)</translation>
    </message>
    <message>
        <source>Retrain only the router gates of the pruned model against the teacher&apos;s next-token distribution, then evaluate it like the other arms</source>
        <translation>Nur die Router-Gates des geprunten Modells an der Next-Token-Verteilung des Teachers nachtrainieren und es dann wie die anderen Varianten evaluieren</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>Schritte:</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <source>Sequences per step:</source>
        <translation>Sequenzen pro Schritt:</translation>
    </message>
    <message>
        <source>start and end only</source>
        <translation>nur Anfang und Ende</translation>
    </message>
    <message>
        <source>Held-out KL every:</source>
        <translation>KL auf zurückgehaltenen Daten alle:</translation>
    </message>
    <message>
        <source>Teacher top-k:</source>
        <translation>Teacher-Top-k:</translation>
    </message>
    <message>
        <source>Cache sequence length:</source>
        <translation>Sequenzlänge des Caches:</translation>
    </message>
    <message>
        <source>the calibration file of the ranking domain</source>
        <translation>die Kalibrierungsdatei der Rangfolge-Domäne</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Distillation Data</source>
        <translation>Destillationsdaten</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Teacher cache data:</source>
        <translation>Daten für den Teacher-Cache:</translation>
    </message>
</context>
<context>
    <name>DesignerExportGroup</name>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>GGUF (llama.cpp)</source>
        <translation>GGUF (llama.cpp)</translation>
    </message>
    <message>
        <source>NVFP4 checkpoint (vLLM, ModelOpt format)</source>
        <translation>NVFP4-Checkpoint (vLLM, ModelOpt-Format)</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Base type:</source>
        <translation>Basistyp:</translation>
    </message>
    <message>
        <source>Tensors whose GGUF name matches the pattern get the type; the first match wins</source>
        <translation>Tensoren, deren GGUF-Name auf das Muster passt, erhalten den Typ; der erste Treffer gilt</translation>
    </message>
    <message>
        <source>Add Rule</source>
        <translation>Regel hinzufügen</translation>
    </message>
    <message>
        <source>Remove Rule</source>
        <translation>Regel entfernen</translation>
    </message>
    <message>
        <source>Type rules:</source>
        <translation>Typregeln:</translation>
    </message>
    <message>
        <source>drop (most portable)</source>
        <translation>entfernen (am portabelsten)</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>behalten</translation>
    </message>
    <message>
        <source>MTP layers:</source>
        <translation>MTP-Schichten:</translation>
    </message>
    <message>
        <source>Fill shared indexer layers (llama.cpp without indexer types)</source>
        <translation>Geteilte Indexer-Schichten auffüllen (llama.cpp ohne Indexer-Typen)</translation>
    </message>
    <message>
        <source>Size: choose a model</source>
        <translation>Größe: Modell wählen</translation>
    </message>
    <message>
        <source>Estimated size:</source>
        <translation>Geschätzte Größe:</translation>
    </message>
    <message>
        <source>Size unknown: %1</source>
        <translation>Größe unbekannt: %1</translation>
    </message>
    <message>
        <source>Estimated for GGUF only</source>
        <translation>Nur für GGUF geschätzt</translation>
    </message>
    <message>
        <source>Export is off</source>
        <translation>Export ist aus</translation>
    </message>
    <message>
        <source>Estimating…</source>
        <translation>Wird geschätzt …</translation>
    </message>
</context>
<context>
    <name>DesignerPage</name>
    <message>
        <source>Model and calibration</source>
        <translation>Modell und Kalibrierung</translation>
    </message>
    <message>
        <source>Experiment name:</source>
        <translation>Name des Experiments:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>Modellordner:</translation>
    </message>
    <message>
        <source>No model chosen.</source>
        <translation>Kein Modell gewählt.</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domäne</translation>
    </message>
    <message>
        <source>Calibration file (JSONL)</source>
        <translation>Kalibrierungsdatei (JSONL)</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen …</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>Kalibrierung:</translation>
    </message>
    <message>
        <source>Sequence length:</source>
        <translation>Sequenzlänge:</translation>
    </message>
    <message>
        <source>all data</source>
        <translation>alle Daten</translation>
    </message>
    <message>
        <source>Token budget:</source>
        <translation>Token-Budget:</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Keep K experts per layer:</source>
        <translation>K Experten pro Schicht behalten:</translation>
    </message>
    <message>
        <source>Criterion:</source>
        <translation>Kriterium:</translation>
    </message>
    <message>
        <source>Rank on domain:</source>
        <translation>Rangfolge nach Domäne:</translation>
    </message>
    <message>
        <source>Swap in from domain:</source>
        <translation>Einwechseln aus Domäne:</translation>
    </message>
    <message>
        <source>Swaps per layer:</source>
        <translation>Tausche pro Schicht:</translation>
    </message>
    <message>
        <source>Always keep super experts</source>
        <translation>Super-Experten immer behalten</translation>
    </message>
    <message>
        <source>computed from saliency (or a plan edited in the Saliency view)</source>
        <translation>aus der Saliency berechnet (oder ein in der Saliency-Ansicht bearbeiteter Plan)</translation>
    </message>
    <message>
        <source>Edited plan:</source>
        <translation>Bearbeiteter Plan:</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Evaluation</translation>
    </message>
    <message>
        <source>Probe File</source>
        <translation>Probe-Datei</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>JSON Lines (*.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Probes:</source>
        <translation>Probes:</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Probes to sample (n):</source>
        <translation>Zu ziehende Probes (n):</translation>
    </message>
    <message>
        <source>Token cap:</source>
        <translation>Token-Obergrenze:</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>Batchgröße:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Also evaluate the unpruned teacher (baseline)</source>
        <translation>Auch den ungeprunten Teacher auswerten (Baseline)</translation>
    </message>
    <message>
        <source>e.g. 0, 0.05, 0.1 (empty: no sweep)</source>
        <translation>z. B. 0, 0.05, 0.1 (leer: kein Sweep)</translation>
    </message>
    <message>
        <source>Guardrail grid min_p:</source>
        <translation>Guardrail-Raster min_p:</translation>
    </message>
    <message>
        <source>e.g. 1, 1.1</source>
        <translation>z. B. 1, 1.1</translation>
    </message>
    <message>
        <source>Guardrail grid rep_pen:</source>
        <translation>Guardrail-Raster rep_pen:</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Dieser Computer</translation>
    </message>
    <message>
        <source>Run on:</source>
        <translation>Ausführen auf:</translation>
    </message>
    <message>
        <source>Commands this experiment runs</source>
        <translation>Befehle, die dieses Experiment ausführt</translation>
    </message>
    <message>
        <source>Copy Commands</source>
        <translation>Befehle kopieren</translation>
    </message>
    <message>
        <source>Launch Experiment</source>
        <translation>Experiment starten</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Calibration File</source>
        <translation>Kalibrierungsdatei</translation>
    </message>
    <message>
        <source>%1 · %2 layers · %3 routed experts, top-%4 · %5 parameters</source>
        <translation>%1 · %2 Schichten · %3 geroutete Experten, Top-%4 · %5 Parameter</translation>
    </message>
    <message>
        <source>of %1: drops %2 per layer (%3%)</source>
        <translation>von %1: entfernt %2 pro Schicht (%3 %)</translation>
    </message>
    <message>
        <source>the guardrail grid holds %1, which is not a number</source>
        <translation>das Guardrail-Raster enthält %1, das ist keine Zahl</translation>
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
    <name>ExportMenus</name>
    <message>
        <source>Export Plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>Unknown file type: %1</source>
        <translation>Unbekannter Dateityp: %1</translation>
    </message>
    <message>
        <source>Export Table</source>
        <translation>Tabelle exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export Plot…</source>
        <translation>Diagramm exportieren …</translation>
    </message>
    <message>
        <source>Export Table as CSV…</source>
        <translation>Tabelle als CSV exportieren …</translation>
    </message>
</context>
<context>
    <name>ExportSizeEstimator</name>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>the export dry run failed (exit code %1)</source>
        <translation>der Probelauf des Exports ist fehlgeschlagen (Exit-Code %1)</translation>
    </message>
    <message>
        <source>the export dry run printed no plan</source>
        <translation>der Probelauf des Exports hat keinen Plan ausgegeben</translation>
    </message>
    <message>
        <source>~%1 MB, %2 of %3 tensors quantised</source>
        <translation>~%1 MB, %2 von %3 Tensoren quantisiert</translation>
    </message>
    <message>
        <source>(teacher %1 MB scaled to the kept %2% of the experts)</source>
        <translation>(Teacher %1 MB, skaliert auf die behaltenen %2 % der Experten)</translation>
    </message>
</context>
<context>
    <name>GgufTypeRulesModel</name>
    <message>
        <source>Tensor pattern (regex)</source>
        <translation>Tensor-Muster (Regex)</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
</context>
<context>
    <name>JobMonitorView</name>
    <message>
        <source>No progress yet</source>
        <translation>Noch kein Fortschritt</translation>
    </message>
    <message>
        <source>%1 of %2 %3</source>
        <translation>%1 von %2 %3</translation>
    </message>
    <message>
        <source>units</source>
        <translation>Einheiten</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Elapsed %1</source>
        <translation>Verstrichen %1</translation>
    </message>
    <message>
        <source>ETA —</source>
        <translation>Restzeit —</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <source>%1 %2/s</source>
        <translation>%1 %2/s</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>Aktuell: %1</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>Metrik:</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Im Log suchen</translation>
    </message>
    <message>
        <source>The chosen metric as samples land; the band is its 95% interval</source>
        <translation>Die gewählte Metrik, sobald Messwerte eintreffen; das Band ist ihr 95-%-Intervall</translation>
    </message>
</context>
<context>
    <name>JobProgressModel</name>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 %2/s</source>
        <translation>%1 %2/s</translation>
    </message>
    <message>
        <source>units</source>
        <translation>Einheiten</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>Aktuell</translation>
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>in Warteschlange</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>verloren</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>Lauf-Ordner</translation>
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
    <name>LeaderboardModel</name>
    <message>
        <source>baseline</source>
        <translation>Baseline</translation>
    </message>
    <message>
        <source>%1 vs %2: diff %3, 95% CI %4; z-test p %5, Fisher p %6</source>
        <translation>%1 vs. %2: Differenz %3, 95-%-KI %4; z-Test p %5, Fisher p %6</translation>
    </message>
    <message>
        <source>; McNemar p %1 on %2 pairs (only baseline looped %3, only this run %4)</source>
        <translation>; McNemar p %1 über %2 Paare (nur Baseline in Schleife %3, nur dieser Lauf %4)</translation>
    </message>
    <message>
        <source>Model / config</source>
        <translation>Modell / Konfiguration</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>Loop-Rate</translation>
    </message>
    <message>
        <source>95% CI low</source>
        <translation>95-%-KI unten</translation>
    </message>
    <message>
        <source>95% CI high</source>
        <translation>95-%-KI oben</translation>
    </message>
    <message>
        <source>EOS rate</source>
        <translation>EOS-Rate</translation>
    </message>
    <message>
        <source>Distinct-4</source>
        <translation>Distinct-4</translation>
    </message>
    <message>
        <source>Median tokens</source>
        <translation>Median Tokens</translation>
    </message>
    <message>
        <source>Δ vs baseline</source>
        <translation>Δ zur Baseline</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>p (Holm)</source>
        <translation>p (Holm)</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Significance</source>
        <translation>Signifikanz</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>job %1 (exit code %2)</source>
        <translation>Job %1 (Exit-Code %2)</translation>
    </message>
    <message>
        <source>job %1</source>
        <translation>Job %1</translation>
    </message>
    <message>
        <source>wrote %1: %2</source>
        <translation>%1 geschrieben: %2</translation>
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
        <translation>Loop-Rate pro Modell / Konfiguration (95-%-KI)</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>Loop-Rate (%)</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>Baseline</translation>
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
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Designer</source>
        <translation>Designer</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>Saliency</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Monitor</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <source>Experiment: </source>
        <translation>Experiment: </translation>
    </message>
    <message>
        <source>&amp;New Project…</source>
        <translation>&amp;Neues Projekt …</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>&amp;Projekt öffnen …</translation>
    </message>
    <message>
        <source>Open the &amp;Demo Project</source>
        <translation>&amp;Demoprojekt öffnen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Could not open project</source>
        <translation>Projekt konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>A job did not start</source>
        <translation>Ein Job ist nicht gestartet</translation>
    </message>
    <message>
        <source>Opened project %1</source>
        <translation>Projekt %1 geöffnet</translation>
    </message>
    <message>
        <source>Open Project Folder</source>
        <translation>Projektordner öffnen</translation>
    </message>
    <message>
        <source>New Project: Choose an Empty Folder</source>
        <translation>Neues Projekt: einen leeren Ordner wählen</translation>
    </message>
    <message>
        <source>Demo not found</source>
        <translation>Demo nicht gefunden</translation>
    </message>
    <message>
        <source>The demo model was not found: set MOECUT_RESOURCES to moecut&apos;s resources folder.</source>
        <translation>Das Demomodell wurde nicht gefunden: Setzen Sie MOECUT_RESOURCES auf den Ressourcenordner von moecut.</translation>
    </message>
    <message>
        <source>Could not create the demo experiment</source>
        <translation>Das Demo-Experiment konnte nicht angelegt werden</translation>
    </message>
    <message>
        <source>The demo experiment is ready: press Launch Experiment.</source>
        <translation>Das Demo-Experiment ist bereit: Klicken Sie auf „Experiment starten“.</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>Kein Projekt</translation>
    </message>
    <message>
        <source>Open or create a project first.</source>
        <translation>Öffnen oder erstellen Sie zuerst ein Projekt.</translation>
    </message>
    <message>
        <source>Could not launch the experiment</source>
        <translation>Das Experiment konnte nicht gestartet werden</translation>
    </message>
    <message numerus="yes">
        <source>Launched %n job(s).</source>
        <translation>
            <numerusform>%n Job gestartet.</numerusform>
            <numerusform>%n Jobs gestartet.</numerusform>
        </translation>
    </message>
    <message>
        <source>moecut experiment %1</source>
        <translation>moecut-Experiment %1</translation>
    </message>
</context>
<context>
    <name>MetricSeriesModel</name>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>95% low</source>
        <translation>95 % unten</translation>
    </message>
    <message>
        <source>95% high</source>
        <translation>95 % oben</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>Loop-Rate</translation>
    </message>
    <message>
        <source>EOS rate</source>
        <translation>EOS-Rate</translation>
    </message>
    <message>
        <source>KD loss</source>
        <translation>KD-Verlust</translation>
    </message>
    <message>
        <source>KL to the teacher</source>
        <translation>KL zum Teacher</translation>
    </message>
    <message>
        <source>Top-1 agreement with the teacher</source>
        <translation>Top-1-Übereinstimmung mit dem Teacher</translation>
    </message>
    <message>
        <source>Router entropy</source>
        <translation>Router-Entropie</translation>
    </message>
    <message>
        <source>Held-out KL to the teacher</source>
        <translation>KL zum Teacher auf zurückgehaltenen Daten</translation>
    </message>
</context>
<context>
    <name>MonitorPage</name>
    <message>
        <source>No job selected.</source>
        <translation>Kein Job ausgewählt.</translation>
    </message>
    <message>
        <source>Cancel Job</source>
        <translation>Job abbrechen</translation>
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
        <translation>Loop-Rate pro Quelle (95-%-KI)</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>Loop-Rate (%)</translation>
    </message>
</context>
<context>
    <name>PerSourceModel</name>
    <message>
        <source>Model / config</source>
        <translation>Modell / Konfiguration</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>Loops</source>
        <translation>Schleifen</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>Loop-Rate</translation>
    </message>
    <message>
        <source>95% CI low</source>
        <translation>95-%-KI unten</translation>
    </message>
    <message>
        <source>95% CI high</source>
        <translation>95-%-KI oben</translation>
    </message>
    <message>
        <source>EOS rate</source>
        <translation>EOS-Rate</translation>
    </message>
    <message>
        <source>Distinct-4</source>
        <translation>Distinct-4</translation>
    </message>
    <message>
        <source>Median tokens</source>
        <translation>Median Tokens</translation>
    </message>
</context>
<context>
    <name>PlanEditor</name>
    <message>
        <source>no saliency file is loaded</source>
        <translation>keine Saliency-Datei geladen</translation>
    </message>
    <message>
        <source>the saliency file does not record the router&apos;s top_k; cannot check K</source>
        <translation>die Saliency-Datei enthält das top_k des Routers nicht; K kann nicht geprüft werden</translation>
    </message>
    <message>
        <source>%1: there is no plan to save (load a saliency file first)</source>
        <translation>%1: kein Plan zum Speichern vorhanden (zuerst eine Saliency-Datei laden)</translation>
    </message>
    <message>
        <source>Keep %1 experts per layer</source>
        <translation>%1 Experten pro Schicht behalten</translation>
    </message>
    <message>
        <source>criterion &quot;%1&quot; is not one of reap, frequency, ean</source>
        <translation>Kriterium „%1“ ist keines von reap, frequency, ean</translation>
    </message>
    <message>
        <source>Rank by %1</source>
        <translation>Rangfolge nach %1</translation>
    </message>
    <message>
        <source>Rank on domain &apos;%1&apos;</source>
        <translation>Rangfolge auf Domäne „%1“</translation>
    </message>
    <message>
        <source>No knowledge swaps</source>
        <translation>Keine Wissenstausche</translation>
    </message>
    <message>
        <source>%1 knowledge swaps per layer from &apos;%2&apos;</source>
        <translation>%1 Wissenstausche pro Schicht aus „%2“</translation>
    </message>
    <message>
        <source>Protect super experts</source>
        <translation>Super-Experten schützen</translation>
    </message>
    <message>
        <source>Do not protect super experts</source>
        <translation>Super-Experten nicht schützen</translation>
    </message>
    <message>
        <source>layer %1 has no expert %2 in the plan</source>
        <translation>Schicht %1 hat keinen Experten %2 im Plan</translation>
    </message>
    <message>
        <source>layer %1: expert %2 is already kept</source>
        <translation>Schicht %1: Experte %2 wird bereits behalten</translation>
    </message>
    <message>
        <source>layer %1: no kept expert can make room for expert %2 (protected or swapped in)</source>
        <translation>Schicht %1: kein behaltener Experte kann Platz für Experte %2 machen (geschützt oder eingewechselt)</translation>
    </message>
    <message>
        <source>Swap expert %2 into layer %1</source>
        <translation>Experte %2 in Schicht %1 einwechseln</translation>
    </message>
    <message>
        <source>layer %1: expert %2 is not part of a swap</source>
        <translation>Schicht %1: Experte %2 ist nicht Teil eines Tauschs</translation>
    </message>
    <message>
        <source>Undo the swap of expert %2 in layer %1</source>
        <translation>Tausch von Experte %2 in Schicht %1 rückgängig machen</translation>
    </message>
    <message>
        <source>layer %1: expert %2 is kept by the ranking; pick a dropped expert to swap in</source>
        <translation>Schicht %1: Experte %2 wird durch die Rangfolge behalten; wählen Sie einen entfernten Experten zum Einwechseln</translation>
    </message>
    <message>
        <source>Clear the manual swaps</source>
        <translation>Manuelle Tausche löschen</translation>
    </message>
</context>
<context>
    <name>PlotExporter</name>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1: kann nicht geschrieben werden (%2)</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>%1: nothing to export (no plot or an empty size)</source>
        <translation>%1: nichts zu exportieren (kein Diagramm oder leere Größe)</translation>
    </message>
    <message>
        <source>%1: could not render the plot as PNG</source>
        <translation>%1: das Diagramm konnte nicht als PNG gerendert werden</translation>
    </message>
    <message>
        <source>%1: could not render the plot as SVG</source>
        <translation>%1: das Diagramm konnte nicht als SVG gerendert werden</translation>
    </message>
    <message>
        <source>%1: could not write the PDF</source>
        <translation>%1: das PDF konnte nicht geschrieben werden</translation>
    </message>
    <message>
        <source>%1: cannot write (rename failed)</source>
        <translation>%1: kann nicht geschrieben werden (Umbenennen fehlgeschlagen)</translation>
    </message>
</context>
<context>
    <name>RecipeStepsModel</name>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Run folder</source>
        <translation>Lauf-Ordner</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nach</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
</context>
<context>
    <name>ReportWriter</name>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1: kann nicht geschrieben werden (%2)</translation>
    </message>
    <message>
        <source>HTML report (*.html);;PDF report (*.pdf);;Markdown report (*.md)</source>
        <translation>HTML-Bericht (*.html);;PDF-Bericht (*.pdf);;Markdown-Bericht (*.md)</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Model fingerprint</source>
        <translation>Modell-Fingerabdruck</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>Cap (max new tokens)</source>
        <translation>Obergrenze (max. neue Tokens)</translation>
    </message>
    <message>
        <source>Stop at loop</source>
        <translation>Bei Schleife anhalten</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>Detektor</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Probes</source>
        <translation>Probes</translation>
    </message>
    <message>
        <source>%1 (n %2, %3 sample(s) per probe, SHA-256 %4)</source>
        <translation>%1 (n %2, %3 Sample(s) pro Probe, SHA-256 %4)</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>Baseline</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>Intervall</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>Befehle</translation>
    </message>
    <message>
        <source>Runs and their settings</source>
        <translation>Läufe und ihre Einstellungen</translation>
    </message>
    <message>
        <source>Sweep %1 (%2): %3 cells, baseline %4</source>
        <translation>Sweep %1 (%2): %3 Zellen, Baseline %4</translation>
    </message>
    <message>
        <source>Equivalent command, rebuilt from results.json:</source>
        <translation>Gleichwertiger Befehl, rekonstruiert aus results.json:</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>%1: unknown report format (use .html, .pdf or .md)</source>
        <translation>%1: unbekanntes Berichtsformat (.html, .pdf oder .md verwenden)</translation>
    </message>
    <message>
        <source>%1: could not render figure %2</source>
        <translation>%1: Abbildung %2 konnte nicht gerendert werden</translation>
    </message>
</context>
<context>
    <name>ResultsChart</name>
    <message>
        <source>%1: unknown plot format (use .png, .svg or .pdf)</source>
        <translation>%1: unbekanntes Diagrammformat (.png, .svg oder .pdf verwenden)</translation>
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
        <translation>z-Test</translation>
    </message>
    <message>
        <source>ns</source>
        <translation>n. s.</translation>
    </message>
</context>
<context>
    <name>ResultsFormat</name>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1%2 pts</source>
        <translation>%1%2 Pkt.</translation>
    </message>
</context>
<context>
    <name>ResultsLoader</name>
    <message>
        <source>%1: cannot open (%2)</source>
        <translation>%1: kann nicht geöffnet werden (%2)</translation>
    </message>
    <message>
        <source>%1: not valid JSON (%2)</source>
        <translation>%1: kein gültiges JSON (%2)</translation>
    </message>
    <message>
        <source>%1: not a sample record (no probe_id or outcome)</source>
        <translation>%1: kein Sample-Datensatz (kein probe_id oder outcome)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: no results.json (not a finished moecut eval run)</source>
        <translation>%1: keine results.json (kein abgeschlossener moecut-eval-Lauf)</translation>
    </message>
    <message>
        <source>%1: no &quot;metrics&quot; object (not a moecut eval results.json)</source>
        <translation>%1: kein „metrics“-Objekt (keine results.json von moecut eval)</translation>
    </message>
    <message>
        <source>%1: no results.json (not a finished moecut sweep)</source>
        <translation>%1: keine results.json (kein abgeschlossener moecut-Sweep)</translation>
    </message>
    <message>
        <source>%1: no &quot;cells&quot; array (not a moecut sweep results.json)</source>
        <translation>%1: kein „cells“-Array (keine results.json von moecut sweep)</translation>
    </message>
    <message>
        <source>%1: cell %2 has no name or metrics</source>
        <translation>%1: Zelle %2 hat keinen Namen oder keine Metriken</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>Loop evaluation results</source>
        <translation>Ergebnisse der Schleifen-Evaluation</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>Bericht exportieren …</translation>
    </message>
    <message>
        <source>Export plot…</source>
        <translation>Diagramm exportieren …</translation>
    </message>
    <message>
        <source>Export table as CSV…</source>
        <translation>Tabelle als CSV exportieren …</translation>
    </message>
    <message>
        <source>Baseline:</source>
        <translation>Baseline:</translation>
    </message>
    <message>
        <source>Leaderboard</source>
        <translation>Rangliste</translation>
    </message>
    <message>
        <source>Per source</source>
        <translation>Pro Quelle</translation>
    </message>
    <message>
        <source>Sweep:</source>
        <translation>Sweep:</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Linien</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Sweep</translation>
    </message>
    <message>
        <source>A (baseline):</source>
        <translation>A (Baseline):</translation>
    </message>
    <message>
        <source>B:</source>
        <translation>B:</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s); every run is tested against the baseline %1 (McNemar when both runs hold the same probe and sample keys, else the pooled z-test), Holm-adjusted across runs. Intervals are 95%.</source>
        <translation>
            <numerusform>%n Lauf; jeder Lauf wird gegen die Baseline %1 getestet (McNemar, wenn beide Läufe dieselben Probe- und Sample-Schlüssel enthalten, sonst der gepoolte z-Test), Holm-korrigiert über die Läufe. Intervalle sind 95 %.</numerusform>
            <numerusform>%n Läufe; jeder Lauf wird gegen die Baseline %1 getestet (McNemar, wenn beide Läufe dieselben Probe- und Sample-Schlüssel enthalten, sonst der gepoolte z-Test), Holm-korrigiert über die Läufe. Intervalle sind 95 %.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sweep %1</source>
        <translation>Sweep %1</translation>
    </message>
    <message>
        <source>%1 vs %2</source>
        <translation>%1 vs. %2</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>Tabelle exportieren</translation>
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
        <translation>Loop-Rate pro Quelle, zwei Läufe (95-%-KI)</translation>
    </message>
    <message>
        <source>Loop-rate difference per source, B − A (95% CI)</source>
        <translation>Differenz der Loop-Rate pro Quelle, B − A (95-%-KI)</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>Loop-Rate (%)</translation>
    </message>
    <message>
        <source>Δ loop rate, B − A (points)</source>
        <translation>Δ Loop-Rate, B − A (Prozentpunkte)</translation>
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
        <translation>Quelle</translation>
    </message>
    <message>
        <source>n (%1)</source>
        <translation>n (%1)</translation>
    </message>
    <message>
        <source>Loop rate (%1)</source>
        <translation>Loop-Rate (%1)</translation>
    </message>
    <message>
        <source>CI low (%1)</source>
        <translation>KI unten (%1)</translation>
    </message>
    <message>
        <source>CI high (%1)</source>
        <translation>KI oben (%1)</translation>
    </message>
    <message>
        <source>Δ (B − A)</source>
        <translation>Δ (B − A)</translation>
    </message>
    <message>
        <source>Δ CI low</source>
        <translation>Δ KI unten</translation>
    </message>
    <message>
        <source>Δ CI high</source>
        <translation>Δ KI oben</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Significance</source>
        <translation>Signifikanz</translation>
    </message>
</context>
<context>
    <name>SaliencyDistributionModel</name>
    <message>
        <source>kept</source>
        <translation>behalten</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>swapped in</source>
        <translation>eingewechselt</translation>
    </message>
    <message>
        <source>swapped out</source>
        <translation>ausgewechselt</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>Rang</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
</context>
<context>
    <name>SaliencyDistributionPlot</name>
    <message>
        <source>kept</source>
        <translation>behalten</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>swapped in</source>
        <translation>eingewechselt</translation>
    </message>
    <message>
        <source>Rank within layer</source>
        <translation>Rang innerhalb der Schicht</translation>
    </message>
    <message>
        <source>keep %1</source>
        <translation>%1 behalten</translation>
    </message>
</context>
<context>
    <name>SaliencyHeatmap</name>
    <message>
        <source>swapped in</source>
        <translation>eingewechselt</translation>
    </message>
    <message>
        <source>swapped out</source>
        <translation>ausgewechselt</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Rank within layer</source>
        <translation>Rang innerhalb der Schicht</translation>
    </message>
</context>
<context>
    <name>SaliencyModel</name>
    <message>
        <source>%1: &apos;%2&apos; − &apos;%3&apos;</source>
        <translation>%1: „%2“ − „%3“</translation>
    </message>
    <message>
        <source>%1 in &apos;%2&apos;</source>
        <translation>%1 in „%2“</translation>
    </message>
    <message>
        <source>The expert ranked %1 in its layer</source>
        <translation>Der Experte auf Rang %1 seiner Schicht</translation>
    </message>
    <message>
        <source>Expert %1</source>
        <translation>Experte %1</translation>
    </message>
    <message>
        <source>MTP layer %1</source>
        <translation>MTP-Schicht %1</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <source>MTP %1</source>
        <translation>MTP %1</translation>
    </message>
    <message>
        <source>MTP layer %1, expert %2</source>
        <translation>MTP-Schicht %1, Experte %2</translation>
    </message>
    <message>
        <source>Layer %1, expert %2</source>
        <translation>Schicht %1, Experte %2</translation>
    </message>
    <message>
        <source>%1: %2 (rank %3 of %4 in this layer)</source>
        <translation>%1: %2 (Rang %3 von %4 in dieser Schicht)</translation>
    </message>
    <message>
        <source>Plan: kept</source>
        <translation>Plan: behalten</translation>
    </message>
    <message>
        <source>Plan: dropped</source>
        <translation>Plan: entfernt</translation>
    </message>
    <message>
        <source>Plan: swapped in, replacing expert %1</source>
        <translation>Plan: eingewechselt, ersetzt Experte %1</translation>
    </message>
    <message>
        <source>Plan: swapped out for expert %1</source>
        <translation>Plan: ausgewechselt gegen Experte %1</translation>
    </message>
</context>
<context>
    <name>SaliencyPage</name>
    <message>
        <source>No saliency yet: launch the experiment, its first step measures it.</source>
        <translation>Noch keine Saliency: Starten Sie das Experiment, sein erster Schritt misst sie.</translation>
    </message>
    <message>
        <source>Save Plan</source>
        <translation>Plan speichern</translation>
    </message>
    <message>
        <source>Prune and Evaluate with This Plan</source>
        <translation>Mit diesem Plan prunen und evaluieren</translation>
    </message>
    <message>
        <source>Saliency of %1</source>
        <translation>Saliency von %1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
</context>
<context>
    <name>SaliencyView</name>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>minus</source>
        <translation>minus</translation>
    </message>
    <message>
        <source>Sort within layer</source>
        <translation>Innerhalb der Schicht sortieren</translation>
    </message>
    <message>
        <source>Protect super experts</source>
        <translation>Super-Experten schützen</translation>
    </message>
    <message>
        <source>Save plan…</source>
        <translation>Plan speichern …</translation>
    </message>
    <message>
        <source>Show the statistic in the first domain minus the second</source>
        <translation>Die Statistik in der ersten Domäne minus der zweiten zeigen</translation>
    </message>
    <message>
        <source>Knowledge swaps per layer: the experts the swap domain rates highest that the ranking dropped replace the weakest kept ones</source>
        <translation>Wissenstausche pro Schicht: Die Experten, die die Tausch-Domäne am höchsten bewertet und die die Rangfolge entfernt hat, ersetzen die schwächsten behaltenen</translation>
    </message>
    <message>
        <source>Always keep super experts (REAP&apos;s norm_max outlier rule)</source>
        <translation>Super-Experten immer behalten (norm_max-Ausreißerregel von REAP)</translation>
    </message>
    <message>
        <source>Experts kept in every MoE and MTP layer</source>
        <translation>In jeder MoE- und MTP-Schicht behaltene Experten</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeige</translation>
    </message>
    <message>
        <source>in</source>
        <translation>in</translation>
    </message>
    <message>
        <source>Plan: rank by</source>
        <translation>Plan: Rang nach</translation>
    </message>
    <message>
        <source>on</source>
        <translation>auf</translation>
    </message>
    <message>
        <source>swaps from</source>
        <translation>Tausche aus</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Behalte</translation>
    </message>
    <message>
        <source>Undo: %1</source>
        <translation>Rückgängig: %1</translation>
    </message>
    <message>
        <source>Redo: %1</source>
        <translation>Wiederholen: %1</translation>
    </message>
    <message>
        <source>drops %1 experts per layer (%2%)</source>
        <translation>entfernt %1 Experten pro Schicht (%2 %)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>The language changes at the next start of moecut studio.</source>
        <translation>Die Sprache ändert sich beim nächsten Start von moecut studio.</translation>
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
    <message>
        <source>Open the Demo Project</source>
        <translation>Demoprojekt öffnen</translation>
    </message>
    <message>
        <source>A tiny Mixture-of-Experts model in GLM-5&apos;s layout, trained by moecut, with calibration data and held-out probes: saliency, plan, pruning and loop evaluation run on this computer&apos;s CPU in a few minutes.</source>
        <translation>Ein winziges Mixture-of-Experts-Modell im Aufbau von GLM-5, von moecut trainiert, mit Kalibrierungsdaten und zurückgehaltenen Probes: Saliency, Plan, Pruning und Schleifen-Evaluation laufen in wenigen Minuten auf der CPU dieses Computers.</translation>
    </message>
    <message>
        <source>New Project…</source>
        <translation>Neues Projekt …</translation>
    </message>
    <message>
        <source>Open Project…</source>
        <translation>Projekt öffnen …</translation>
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
    <name>SweepHeatmap</name>
    <message>
        <source>Sweep: loop rate per grid cell</source>
        <translation>Sweep: Loop-Rate pro Rasterzelle</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>Loop-Rate (%)</translation>
    </message>
</context>
<context>
    <name>SweepLinesChart</name>
    <message>
        <source>Sweep: loop rate by setting (95% CI bands)</source>
        <translation>Sweep: Loop-Rate nach Einstellung (95-%-KI-Bänder)</translation>
    </message>
    <message>
        <source>Loop rate (%)</source>
        <translation>Loop-Rate (%)</translation>
    </message>
    <message>
        <source>loop rate</source>
        <translation>Loop-Rate</translation>
    </message>
</context>
<context>
    <name>SweepModel</name>
    <message>
        <source>baseline</source>
        <translation>Baseline</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>Zelle</translation>
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
        <translation>Schleifen</translation>
    </message>
    <message>
        <source>Loop rate</source>
        <translation>Loop-Rate</translation>
    </message>
    <message>
        <source>95% CI low</source>
        <translation>95-%-KI unten</translation>
    </message>
    <message>
        <source>95% CI high</source>
        <translation>95-%-KI oben</translation>
    </message>
    <message>
        <source>Δ vs baseline</source>
        <translation>Δ zur Baseline</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>p (Holm)</source>
        <translation>p (Holm)</translation>
    </message>
    <message>
        <source>p (BH)</source>
        <translation>p (BH)</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>Significance</source>
        <translation>Signifikanz</translation>
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
        <source>moecut-studio: cannot write %1: %2</source>
        <translation>moecut-studio: %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Open the embedded demo project.</source>
        <translation>Das eingebettete Demoprojekt öffnen.</translation>
    </message>
    <message>
        <source>Render a page to FILE (PNG) and exit.</source>
        <translation>Eine Seite als FILE (PNG) rendern und beenden.</translation>
    </message>
    <message>
        <source>The page to show: start, designer, saliency, monitor, results, model.</source>
        <translation>Die anzuzeigende Seite: start, designer, saliency, monitor, results, model.</translation>
    </message>
    <message>
        <source>Launch the current experiment at start.</source>
        <translation>Das aktuelle Experiment beim Start ausführen.</translation>
    </message>
    <message>
        <source>With --screenshot: wait until the project&apos;s jobs have finished.</source>
        <translation>Mit --screenshot: warten, bis die Jobs des Projekts beendet sind.</translation>
    </message>
    <message>
        <source>Project or checkpoint folder to open at start.</source>
        <translation>Projekt- oder Checkpoint-Ordner, der beim Start geöffnet wird.</translation>
    </message>
    <message>
        <source>moecut-studio: unknown view %1</source>
        <translation>moecut-studio: unbekannte Ansicht %1</translation>
    </message>
</context>
</TS>
