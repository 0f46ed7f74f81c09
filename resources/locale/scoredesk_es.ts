<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name></name>
    <message>
        <source>Save chart as PNG or SVG…</source>
        <translation>Guardar el gráfico como PNG o SVG…</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>Guardar el gráfico</translation>
    </message>
    <message>
        <source>Best threshold: {thresholds}. The button applies {curve}.</source>
        <translation>Mejor umbral: {thresholds}. El botón aplica el de {curve}.</translation>
    </message>
    <message>
        <source>Use the best threshold</source>
        <translation>Usar el mejor umbral</translation>
    </message>
    <message>
        <source>Cost per action (e.g. a retention offer)</source>
        <translation>Coste por acción (p. ej., una oferta de retención)</translation>
    </message>
    <message>
        <source>Value per true positive (e.g. a customer kept)</source>
        <translation>Valor por verdadero positivo (p. ej., un cliente retenido)</translation>
    </message>
    <message>
        <source>Value of acting across thresholds</source>
        <translation>Valor de actuar según el umbral</translation>
    </message>
    <message>
        <source>test set, realised</source>
        <translation>conjunto de prueba, real</translation>
    </message>
    <message>
        <source>this file, realised</source>
        <translation>este archivo, real</translation>
    </message>
    <message>
        <source>this file, expected</source>
        <translation>este archivo, esperado</translation>
    </message>
    <message>
        <source>Use the best threshold ({threshold}, {curve})</source>
        <translation>Usar el mejor umbral ({threshold}, {curve})</translation>
    </message>
    <message>
        <source>At threshold {threshold} the model says to act on &lt;b&gt;{acted}&lt;/b&gt; of {scored} scored rows ({share}).</source>
        <translation>Con el umbral {threshold}, el modelo indica actuar sobre &lt;b&gt;{acted}&lt;/b&gt; de {scored} filas puntuadas ({share}).</translation>
    </message>
    <message>
        <source>No row could be scored.</source>
        <translation>No se ha podido puntuar ninguna fila.</translation>
    </message>
    <message>
        <source>Expected value: &lt;b&gt;{value}&lt;/b&gt; (each probability taken as the chance that acting pays).</source>
        <translation>Valor esperado: &lt;b&gt;{value}&lt;/b&gt; (cada probabilidad se toma como la posibilidad de que actuar compense).</translation>
    </message>
    <message>
        <source>Realised value on the file&apos;s labels: &lt;b&gt;{value}&lt;/b&gt; ({rows} labelled rows).</source>
        <translation>Valor real según las etiquetas del archivo: &lt;b&gt;{value}&lt;/b&gt; ({rows} filas etiquetadas).</translation>
    </message>
    <message>
        <source>On the model card&apos;s test set, acting at {threshold} means {acted} actions and a realised value of &lt;b&gt;{value}&lt;/b&gt;; the best threshold there is {best}. Open a file to see what acting means for it.</source>
        <translation>En el conjunto de prueba de la ficha del modelo, actuar con {threshold} supone {acted} acciones y un valor real de &lt;b&gt;{value}&lt;/b&gt;; allí el mejor umbral es {best}. Abra un archivo para ver qué supone actuar en él.</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>bien</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>aviso</translation>
    </message>
    <message>
        <source>alert</source>
        <translation>alerta</translation>
    </message>
    <message>
        <source>status</source>
        <translation>estado</translation>
    </message>
    <message>
        <source>adjusted p</source>
        <translation>p ajustada</translation>
    </message>
    <message>
        <source>significant</source>
        <translation>significativa</translation>
    </message>
    <message>
        <source>Drifted: {features}.</source>
        <translation>Con deriva: {features}.</translation>
    </message>
    <message>
        <source>No feature drifted (PSI below {psi}, or no significant change).</source>
        <translation>Ninguna variable tiene deriva (PSI por debajo de {psi} o sin cambio significativo).</translation>
    </message>
    <message>
        <source>and {count} more</source>
        <translation>y {count} más</translation>
    </message>
    <message>
        <source>Too few rows to tell ({rows} rows) for {features}: score more rows to know.</source>
        <translation>Muy pocas filas para saberlo ({rows} filas) en {features}: puntúe más filas para saberlo.</translation>
    </message>
    <message>
        <source>Drift per feature (PSI)</source>
        <translation>Deriva por variable (PSI)</translation>
    </message>
    <message>
        <source>Training and current distribution</source>
        <translation>Distribución del entrenamiento y actual</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Open a file to compare its features with the training data.</source>
        <translation>Abra un archivo para comparar sus variables con los datos de entrenamiento.</translation>
    </message>
    <message>
        <source>{feature}: training and current distribution</source>
        <translation>{feature}: distribución del entrenamiento y actual</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Resultados</translation>
    </message>
    <message>
        <source>Sanity</source>
        <translation>Validación</translation>
    </message>
    <message>
        <source>Model quality</source>
        <translation>Calidad del modelo</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Decisiones</translation>
    </message>
    <message>
        <source>Fairness</source>
        <translation>Equidad</translation>
    </message>
    <message>
        <source>Drift</source>
        <translation>Deriva</translation>
    </message>
    <message>
        <source>What-if</source>
        <translation>Hipótesis</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>Ficha del modelo</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.tsv *.gz *.bz2 *.xz *.zip *.xlsx *.xlsm *.xlsb *.xls *.ods);;CSV files (*.csv *.txt *.tsv);;Workbooks (*.xlsx *.xlsm *.xlsb *.xls *.ods);;All files (*)</source>
        <translation>Tablas (*.csv *.txt *.tsv *.gz *.bz2 *.xz *.zip *.xlsx *.xlsm *.xlsb *.xls *.ods);;Archivos CSV (*.csv *.txt *.tsv);;Libros (*.xlsx *.xlsm *.xlsb *.xls *.ods);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n/d</translation>
    </message>
    <message>
        <source>Not compared: {reason}.</source>
        <translation>Sin comparar: {reason}.</translation>
    </message>
    <message>
        <source>Not compared.</source>
        <translation>Sin comparar.</translation>
    </message>
    <message>
        <source>Champion vs challenger</source>
        <translation>Campeón frente a aspirante</translation>
    </message>
    <message>
        <source>Challenger (this model) minus champion (version {version}) on the same {rows} test rows{level}; decisions that flip: {flips}.</source>
        <translation>Aspirante (este modelo) menos campeón (versión {version}) en las mismas {rows} filas de prueba{level}; decisiones que cambian: {flips}.</translation>
    </message>
    <message>
        <source>{level} intervals</source>
        <translation>intervalos del {level}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
    <message>
        <source>metric</source>
        <translation>métrica</translation>
    </message>
    <message>
        <source>difference</source>
        <translation>diferencia</translation>
    </message>
    <message>
        <source>interval</source>
        <translation>intervalo</translation>
    </message>
    <message>
        <source>test</source>
        <translation>prueba</translation>
    </message>
    <message>
        <source>good enough to estimate performance on files without labels</source>
        <translation>suficiente para estimar el rendimiento en archivos sin etiquetas</translation>
    </message>
    <message>
        <source>above {limit}: performance is not estimated on files without labels</source>
        <translation>por encima de {limit}: no se estima el rendimiento en archivos sin etiquetas</translation>
    </message>
    <message>
        <source>Expected calibration error on the test set: {ece} ({verdict}).</source>
        <translation>Error de calibración esperado en el conjunto de prueba: {ece} ({verdict}).</translation>
    </message>
    <message>
        <source>Recalibration: {method}. {reason}</source>
        <translation>Recalibración: {method}. {reason}</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Calibración</translation>
    </message>
    <message>
        <source>Algorithm</source>
        <translation>Algoritmo</translation>
    </message>
    <message>
        <source>Built</source>
        <translation>Construido</translation>
    </message>
    <message>
        <source>Predicts</source>
        <translation>Predice</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Umbral</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Datos</translation>
    </message>
    <message>
        <source>Model sha256</source>
        <translation>sha256 del modelo</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Código</translation>
    </message>
    <message>
        <source>Test-set metrics</source>
        <translation>Métricas del conjunto de prueba</translation>
    </message>
    <message>
        <source>value</source>
        <translation>valor</translation>
    </message>
    <message>
        <source>{level} interval</source>
        <translation>intervalo del {level}</translation>
    </message>
    <message>
        <source>Intervals: {method}.</source>
        <translation>Intervalos: {method}.</translation>
    </message>
    <message>
        <source>Quality gates</source>
        <translation>Controles de calidad</translation>
    </message>
    <message>
        <source>gate</source>
        <translation>control</translation>
    </message>
    <message>
        <source>bound</source>
        <translation>límite</translation>
    </message>
    <message>
        <source>value checked</source>
        <translation>valor comprobado</translation>
    </message>
    <message>
        <source>outcome</source>
        <translation>resultado</translation>
    </message>
    <message>
        <source>Slices: {attribute}</source>
        <translation>Segmentos: {attribute}</translation>
    </message>
    <message>
        <source>group</source>
        <translation>grupo</translation>
    </message>
    <message>
        <source>rows</source>
        <translation>filas</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>precisión</translation>
    </message>
    <message>
        <source>selection rate</source>
        <translation>tasa de selección</translation>
    </message>
    <message>
        <source>Largest gaps:</source>
        <translation>Mayores diferencias:</translation>
    </message>
    <message>
        <source>Permutation importances (drop in test ROC AUC)</source>
        <translation>Importancias por permutación (caída del ROC AUC de prueba)</translation>
    </message>
    <message>
        <source>feature</source>
        <translation>variable</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>media</translation>
    </message>
    <message>
        <source>std</source>
        <translation>desv. típ.</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Cargando el modelo…</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Iniciando</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Use the model&apos;s</source>
        <translation>Usar el del modelo</translation>
    </message>
    <message>
        <source>Back to the threshold the model card chose</source>
        <translation>Volver al umbral que eligió la ficha del modelo</translation>
    </message>
    <message>
        <source>Threshold {threshold} (the model&apos;s)</source>
        <translation>Umbral {threshold} (el del modelo)</translation>
    </message>
    <message>
        <source>Threshold {threshold} (yours; the model&apos;s is {own})</source>
        <translation>Umbral {threshold} (el suyo; el del modelo es {own})</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Abrir…</translation>
    </message>
    <message>
        <source>Open &amp;Sample</source>
        <translation>Abrir &amp;ejemplo</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Abrir &amp;reciente</translation>
    </message>
    <message>
        <source>&amp;Map columns…</source>
        <translation>&amp;Asignar columnas…</translation>
    </message>
    <message>
        <source>&amp;Export scored CSV…</source>
        <translation>&amp;Exportar CSV puntuado…</translation>
    </message>
    <message>
        <source>Export the &amp;rows shown…</source>
        <translation>Exportar las &amp;filas mostradas…</translation>
    </message>
    <message>
        <source>Export &amp;report…</source>
        <translation>Exportar &amp;informe…</translation>
    </message>
    <message>
        <source>Export this tab&apos;s &amp;charts…</source>
        <translation>Exportar los &amp;gráficos de esta pestaña…</translation>
    </message>
    <message>
        <source>&amp;Log scoring runs</source>
        <translation>&amp;Registrar las puntuaciones</translation>
    </message>
    <message>
        <source>Record each scored file&apos;s summary (no row values) in the run log for History</source>
        <translation>Anotar el resumen de cada archivo puntuado (sin valores de filas) en el registro, para el Historial</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modelo</translation>
    </message>
    <message>
        <source>&amp;Install update…</source>
        <translation>&amp;Instalar actualización…</translation>
    </message>
    <message>
        <source>&amp;Versions…</source>
        <translation>&amp;Versiones…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>Find in the results</source>
        <translation>Buscar en los resultados</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Acerca de</translation>
    </message>
    <message>
        <source>The model cannot be used</source>
        <translation>No se puede usar el modelo</translation>
    </message>
    <message>
        <source>Loading and verifying the model…</source>
        <translation>Cargando y verificando el modelo…</translation>
    </message>
    <message>
        <source>Warning: {problem}</source>
        <translation>Aviso: {problem}</translation>
    </message>
    <message>
        <source>{model} {version} ready. Open a CSV file or a workbook (Ctrl+O), or a sample.</source>
        <translation>{model} {version} listo. Abra un archivo CSV o un libro (Ctrl+O), o un ejemplo.</translation>
    </message>
    <message>
        <source>Install a model update</source>
        <translation>Instalar una actualización del modelo</translation>
    </message>
    <message>
        <source>The update cannot be installed</source>
        <translation>No se puede instalar la actualización</translation>
    </message>
    <message>
        <source>Installed {name} {version}.</source>
        <translation>Instalado {name} {version}.</translation>
    </message>
    <message>
        <source>{name} (in the program)</source>
        <translation>{name} (incluido en el programa)</translation>
    </message>
    <message>
        <source>Model version changed.</source>
        <translation>Ha cambiado la versión del modelo.</translation>
    </message>
    <message>
        <source>{message} {name} will be scored again with it.</source>
        <translation>{message} {name} se volverá a puntuar con él.</translation>
    </message>
    <message>
        <source>{message} Loading it…</source>
        <translation>{message} Cargándolo…</translation>
    </message>
    <message>
        <source>Open a file to score</source>
        <translation>Abrir un archivo para puntuar</translation>
    </message>
    <message>
        <source>The model is not loaded yet; {name} will open once it is.</source>
        <translation>El modelo aún no está cargado; {name} se abrirá en cuanto lo esté.</translation>
    </message>
    <message>
        <source>{name} will open when the current job ends.</source>
        <translation>{name} se abrirá cuando termine la tarea en curso.</translation>
    </message>
    <message>
        <source>Reading and scoring {name}…</source>
        <translation>Leyendo y puntuando {name}…</translation>
    </message>
    <message>
        <source>Cannot open {name}</source>
        <translation>No se puede abrir {name}</translation>
    </message>
    <message>
        <source>Opening cancelled; nothing changed.</source>
        <translation>Apertura cancelada; no ha cambiado nada.</translation>
    </message>
    <message>
        <source>{sheet} (hidden)</source>
        <translation>{sheet} (oculta)</translation>
    </message>
    <message>
        <source>Open {name}</source>
        <translation>Abrir {name}</translation>
    </message>
    <message>
        <source>{name} has {count} sheets. Which one holds the customers?</source>
        <translation>{name} tiene {count} hojas. ¿Cuál contiene los clientes?</translation>
    </message>
    <message>
        <source>Cannot map</source>
        <translation>No se pueden asignar las columnas</translation>
    </message>
    <message>
        <source>{name}: {rows} row ({ok} ok, {warning} warning, {invalid} invalid); {form}</source>
        <translation>{name}: {rows} fila ({ok} bien, {warning} con aviso, {invalid} no válidas); {form}</translation>
    </message>
    <message>
        <source>{name}: {rows} rows ({ok} ok, {warning} warning, {invalid} invalid); {form}</source>
        <translation>{name}: {rows} filas ({ok} bien, {warning} con aviso, {invalid} no válidas); {form}</translation>
    </message>
    <message>
        <source>{name} changed while it was read</source>
        <translation>{name} cambió mientras se leía</translation>
    </message>
    <message>
        <source>{name} changed while it was being read: the {rows} rows shown are what was read then, not what the file holds now. Open it again to see it as it is.</source>
        <translation>{name} cambió mientras se leía: las {rows} filas mostradas son lo que se leyó entonces, no lo que contiene ahora el archivo. Ábralo de nuevo para verlo como está.</translation>
    </message>
    <message>
        <source>The saved mapping cannot be used</source>
        <translation>No se puede usar la asignación guardada</translation>
    </message>
    <message>
        <source>{name} is mapped with {mapping}, which cannot be read now:
{reason}

Map the columns again (and save the new mapping), or forget the saved one.</source>
        <translation>{name} se asigna con {mapping}, que ahora no se puede leer:
{reason}

Asigne las columnas de nuevo (y guarde la nueva asignación), u olvide la guardada.</translation>
    </message>
    <message>
        <source>Map again…</source>
        <translation>Asignar de nuevo…</translation>
    </message>
    <message>
        <source>Forget it</source>
        <translation>Olvidarla</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(ninguno todavía)</translation>
    </message>
    <message>
        <source>The window shows one file at a time: it opens {name}, not {others}.</source>
        <translation>La ventana muestra un archivo a la vez: abre {name}, no {others}.</translation>
    </message>
    <message>
        <source>Export scored CSV</source>
        <translation>Exportar CSV puntuado</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>No se puede exportar</translation>
    </message>
    <message>
        <source>{path} changed since it was opened; open it again first.</source>
        <translation>{path} ha cambiado desde que se abrió; ábralo de nuevo antes.</translation>
    </message>
    <message>
        <source>Export the rows shown</source>
        <translation>Exportar las filas mostradas</translation>
    </message>
    <message>
        <source>Writing {name}…</source>
        <translation>Escribiendo {name}…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Ha fallado la exportación</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>Exportación cancelada; no se ha escrito ningún archivo.</translation>
    </message>
    <message>
        <source>The report is a web page: name it .html, not {suffix}. To get a PDF, open it in a browser and print it to PDF; its charts and tables keep their layout.</source>
        <translation>El informe es una página web: nómbrelo .html, no {suffix}. Para obtener un PDF, ábralo en un navegador e imprímalo en PDF; sus gráficos y tablas conservan su diseño.</translation>
    </message>
    <message>
        <source>(no suffix)</source>
        <translation>(sin extensión)</translation>
    </message>
    <message>
        <source>Writing the report {name}…</source>
        <translation>Escribiendo el informe {name}…</translation>
    </message>
    <message>
        <source>ScoreDesk now speaks {language}.</source>
        <translation>ScoreDesk habla ahora {language}.</translation>
    </message>
    <message>
        <source>The report cannot be written</source>
        <translation>No se puede escribir el informe</translation>
    </message>
    <message>
        <source>Exported {path} (predictions at threshold {threshold})</source>
        <translation>Exportado {path} (predicciones con el umbral {threshold})</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Exportar informe</translation>
    </message>
    <message>
        <source>Web pages (*.html *.htm)</source>
        <translation>Páginas web (*.html *.htm)</translation>
    </message>
    <message>
        <source>Report cancelled; no file was written.</source>
        <translation>Informe cancelado; no se ha escrito ningún archivo.</translation>
    </message>
    <message>
        <source>Export charts to folder</source>
        <translation>Exportar los gráficos a una carpeta</translation>
    </message>
    <message>
        <source>Replace the charts?</source>
        <translation>¿Reemplazar los gráficos?</translation>
    </message>
    <message>
        <source>{folder} already holds {names}. Replace them?</source>
        <translation>{folder} ya contiene {names}. ¿Reemplazarlos?</translation>
    </message>
    <message>
        <source>The charts cannot be saved</source>
        <translation>No se pueden guardar los gráficos</translation>
    </message>
    <message>
        <source>{folder} cannot be written ({reason}). Choose another folder.</source>
        <translation>No se puede escribir en {folder} ({reason}). Elija otra carpeta.</translation>
    </message>
    <message>
        <source>Saved {count} chart to {folder}</source>
        <translation>Guardado {count} gráfico en {folder}</translation>
    </message>
    <message>
        <source>Saved {count} charts to {folder}</source>
        <translation>Guardados {count} gráficos en {folder}</translation>
    </message>
    <message>
        <source>no model loaded</source>
        <translation>ningún modelo cargado</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>Acerca de {app}</translation>
    </message>
    <message>
        <source>{app} {version}
Model: {model}
Model sha256: {sha}…</source>
        <translation>{app} {version}
Modelo: {model}
sha256 del modelo: {sha}…</translation>
    </message>
    <message>
        <source>Only a newer version can be installed. To run a version installed before, choose it in Model ▸ Versions…</source>
        <translation>Solo se puede instalar una versión más reciente. Para usar una versión instalada antes, elíjala en Modelo ▸ Versiones…</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguna)</translation>
    </message>
    <message>
        <source>(as written)</source>
        <translation>(tal como está escrito)</translation>
    </message>
    <message>
        <source>numeric</source>
        <translation>numérica</translation>
    </message>
    <message>
        <source>categorical</source>
        <translation>categórica</translation>
    </message>
    <message>
        <source>binary</source>
        <translation>binaria</translation>
    </message>
    <message>
        <source>id</source>
        <translation>identificador</translation>
    </message>
    <message>
        <source>Map the columns of {name}</source>
        <translation>Asignar las columnas de {name}</translation>
    </message>
    <message>
        <source>Pick the column of &lt;b&gt;{name}&lt;/b&gt; that feeds each model column. For yes/no and category columns, say which of the file&apos;s values means which of the model&apos;s.</source>
        <translation>Elija la columna de &lt;b&gt;{name}&lt;/b&gt; que alimenta cada columna del modelo. En las columnas sí/no y de categorías, indique qué valor del archivo corresponde a cada valor del modelo.</translation>
    </message>
    <message>
        <source>Model column</source>
        <translation>Columna del modelo</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>File column (examples)</source>
        <translation>Columna del archivo (ejemplos)</translation>
    </message>
    <message>
        <source>Value in the file</source>
        <translation>Valor en el archivo</translation>
    </message>
    <message>
        <source>Means, for the model</source>
        <translation>Significa, para el modelo</translation>
    </message>
    <message>
        <source>&amp;Save mapping…</source>
        <translation>&amp;Guardar la asignación…</translation>
    </message>
    <message>
        <source>&amp;Use without saving</source>
        <translation>&amp;Usar sin guardar</translation>
    </message>
    <message>
        <source>Choose another s&amp;heet…</source>
        <translation>Elegir otra &amp;hoja…</translation>
    </message>
    <message>
        <source>The model&apos;s {names} has no file column yet: no row can be scored.</source>
        <translation>La columna {names} del modelo aún no tiene columna del archivo: no se puede puntuar ninguna fila.</translation>
    </message>
    <message>
        <source>The model&apos;s {names} have no file column yet: no row can be scored.</source>
        <translation>Las columnas {names} del modelo aún no tienen columna del archivo: no se puede puntuar ninguna fila.</translation>
    </message>
    <message>
        <source>The mapping cannot be saved</source>
        <translation>No se puede guardar la asignación</translation>
    </message>
    <message>
        <source>{path} cannot be written: {reason}. Choose another folder, or use the mapping without saving.</source>
        <translation>No se puede escribir {path}: {reason}. Elija otra carpeta o use la asignación sin guardar.</translation>
    </message>
    <message>
        <source>{column}   (e.g. {examples})</source>
        <translation>{column}   (p. ej., {examples})</translation>
    </message>
    <message>
        <source>Values: the selected column takes any value.</source>
        <translation>Valores: la columna seleccionada admite cualquier valor.</translation>
    </message>
    <message>
        <source>Values of {name}: numbers, read as written.</source>
        <translation>Valores de {name}: números, leídos tal como están escritos.</translation>
    </message>
    <message>
        <source>Values of {name}: no column.</source>
        <translation>Valores de {name}: ninguna columna.</translation>
    </message>
    <message>
        <source>Values of {source} for the model&apos;s {name} ({kind}):</source>
        <translation>Valores de {source} para {name} del modelo ({kind}):</translation>
    </message>
    <message>
        <source>1 (yes)</source>
        <translation>1 (sí)</translation>
    </message>
    <message>
        <source>0 (no)</source>
        <translation>0 (no)</translation>
    </message>
    <message>
        <source>Of the first {rows} rows, {scored} would be scored and {invalid} invalid.</source>
        <translation>De las primeras {rows} filas, {scored} se puntuarían y {invalid} no serían válidas.</translation>
    </message>
    <message>
        <source>Save the mapping</source>
        <translation>Guardar la asignación</translation>
    </message>
    <message>
        <source>Install {model} {version}?</source>
        <translation>¿Instalar {model} {version}?</translation>
    </message>
    <message>
        <source>&lt;b&gt;{model} {version}&lt;/b&gt;, signed by trusted key {key}, against the active {active}, on the test sets their model cards carry:</source>
        <translation>&lt;b&gt;{model} {version}&lt;/b&gt;, firmado con la clave de confianza {key}, frente al activo {active}, en los conjuntos de prueba que traen sus fichas:</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Métrica</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Active {version}</source>
        <translation>Activo {version}</translation>
    </message>
    <message>
        <source>{share} of the {rows} test rows would get the other decision.</source>
        <translation>El {share} de las {rows} filas de prueba recibiría la otra decisión.</translation>
    </message>
    <message>
        <source>On {file} ({rows} labelled rows): ROC AUC {before} -&gt; {after} ({change}); {share} of its decisions would flip.</source>
        <translation>En {file} ({rows} filas etiquetadas): ROC AUC {before} -&gt; {after} ({change}); cambiaría el {share} de sus decisiones.</translation>
    </message>
    <message>
        <source>&amp;Install and use it</source>
        <translation>&amp;Instalarlo y usarlo</translation>
    </message>
    <message>
        <source>Model versions</source>
        <translation>Versiones del modelo</translation>
    </message>
    <message>
        <source>&amp;Use this version</source>
        <translation>&amp;Usar esta versión</translation>
    </message>
    <message>
        <source>&amp;Roll back</source>
        <translation>&amp;Volver a la anterior</translation>
    </message>
    <message>
        <source>shipped {model}</source>
        <translation>incluido {model}</translation>
    </message>
    <message>
        <source>(active)</source>
        <translation>(activo)</translation>
    </message>
    <message>
        <source>The shipped model is active after a rollback to it; pick an installed version.</source>
        <translation>El modelo incluido queda activo tras volver a él; elija una versión instalada.</translation>
    </message>
    <message>
        <source>{version} is now active.</source>
        <translation>{version} está ahora activo.</translation>
    </message>
    <message>
        <source>Rolled back to {version}.</source>
        <translation>Se ha vuelto a {version}.</translation>
    </message>
    <message>
        <source>the shipped model</source>
        <translation>el modelo incluido</translation>
    </message>
    <message>
        <source>caught (TP)</source>
        <translation>detectados (VP)</translation>
    </message>
    <message>
        <source>missed (FN)</source>
        <translation>perdidos (FN)</translation>
    </message>
    <message>
        <source>false alarms (FP)</source>
        <translation>falsas alarmas (FP)</translation>
    </message>
    <message>
        <source>correctly left (TN)</source>
        <translation>bien descartados (VN)</translation>
    </message>
    <message>
        <source>&lt;b&gt;actual positive&lt;/b&gt;</source>
        <translation>&lt;b&gt;positivo real&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;actual negative&lt;/b&gt;</source>
        <translation>&lt;b&gt;negativo real&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;predicted positive&lt;/b&gt;</source>
        <translation>&lt;b&gt;positivo previsto&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;predicted negative&lt;/b&gt;</source>
        <translation>&lt;b&gt;negativo previsto&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Show the {cell} rows in the table</source>
        <translation>Mostrar en la tabla las filas: {cell}</translation>
    </message>
    <message>
        <source>ROC curve ({side})</source>
        <translation>Curva ROC ({side})</translation>
    </message>
    <message>
        <source>Calibration ({side})</source>
        <translation>Calibración ({side})</translation>
    </message>
    <message>
        <source>test set</source>
        <translation>conjunto de prueba</translation>
    </message>
    <message>
        <source>this file</source>
        <translation>este archivo</translation>
    </message>
    <message>
        <source>Click a cell to see its rows.</source>
        <translation>Haga clic en una celda para ver sus filas.</translation>
    </message>
    <message>
        <source>Open a file to see the performance expected on it, or one with a &apos;{column}&apos; column to back-test the model on it.</source>
        <translation>Abra un archivo para ver el rendimiento esperado en él, o uno con la columna &apos;{column}&apos; para contrastar el modelo con él.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Estimated on this file&lt;/b&gt; ({rows} scored rows, no &apos;{column}&apos; column): {metrics}. What the metrics are expected to be once the labels arrive, from the model&apos;s probabilities (confidence-based performance estimation).</source>
        <translation>&lt;b&gt;Estimado en este archivo&lt;/b&gt; ({rows} filas puntuadas, sin columna &apos;{column}&apos;): {metrics}. Lo que se espera de las métricas cuando lleguen las etiquetas, a partir de las probabilidades del modelo (estimación del rendimiento basada en la confianza).</translation>
    </message>
    <message>
        <source>too wide to tell much.</source>
        <translation>demasiado amplio para concluir mucho.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Not reliable:&lt;/b&gt; {reason}.</source>
        <translation>&lt;b&gt;No fiable:&lt;/b&gt; {reason}.</translation>
    </message>
    <message>
        <source>{cell} at threshold {threshold}</source>
        <translation>{cell} con el umbral {threshold}</translation>
    </message>
    <message>
        <source>({level} intervals).</source>
        <translation>(intervalos del {level}).</translation>
    </message>
    <message>
        <source>too wide to tell much from this file.</source>
        <translation>demasiado amplio para concluir mucho de este archivo.</translation>
    </message>
    <message>
        <source>{rows} rows: {metric} {value}, {level} interval {low}–{high}: {verdict}</source>
        <translation>{rows} filas: {metric} {value}, intervalo del {level} {low}–{high}: {verdict}</translation>
    </message>
    <message>
        <source>ROC AUC</source>
        <translation>ROC AUC</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>exactitud</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>sensibilidad</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <source>attribute</source>
        <translation>atributo</translation>
    </message>
    <message>
        <source>TPR</source>
        <translation>TVP</translation>
    </message>
    <message>
        <source>FPR</source>
        <translation>TFP</translation>
    </message>
    <message>
        <source>TPR and FPR per group, 95% intervals ({side})</source>
        <translation>TVP y TFP por grupo, intervalos del 95 % ({side})</translation>
    </message>
    <message>
        <source>&lt;b&gt;{attribute}&lt;/b&gt; gaps: {gaps}</source>
        <translation>Diferencias de &lt;b&gt;{attribute}&lt;/b&gt;: {gaps}</translation>
    </message>
    <message>
        <source>the TPR gap is above the gate&apos;s {bound}</source>
        <translation>la diferencia de TVP supera el {bound} del control</translation>
    </message>
    <message>
        <source>Each rate with its 95% interval (stratified bootstrap).</source>
        <translation>Cada tasa con su intervalo del 95 % (bootstrap estratificado).</translation>
    </message>
    <message>
        <source>Test set (model card)</source>
        <translation>Conjunto de prueba (ficha del modelo)</translation>
    </message>
    <message>
        <source>This file</source>
        <translation>Este archivo</translation>
    </message>
    <message>
        <source>Equal opportunity: the true-positive rate should not differ between groups by more than {bound} (the card&apos;s gate). Groups smaller than {rows} rows are shown but left out of the gaps.</source>
        <translation>Igualdad de oportunidades: la tasa de verdaderos positivos no debería diferir entre grupos en más del {bound} (el control de la ficha). Los grupos de menos de {rows} filas se muestran, pero no cuentan en las diferencias.</translation>
    </message>
    <message>
        <source>This card stores test slices at its own threshold only.</source>
        <translation>Esta ficha guarda los segmentos de prueba solo con su propio umbral.</translation>
    </message>
    <message>
        <source>The card declares no gate on the TPR gap.</source>
        <translation>La ficha no declara ningún control sobre la diferencia de TVP.</translation>
    </message>
    <message>
        <source>Open a file with a &apos;{column}&apos; column to see its groups.</source>
        <translation>Abra un archivo con la columna &apos;{column}&apos; para ver sus grupos.</translation>
    </message>
    <message>
        <source>This file: estimated (no labels yet)</source>
        <translation>Este archivo: estimado (aún sin etiquetas)</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todas</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>aviso</translation>
    </message>
    <message>
        <source>invalid</source>
        <translation>no válida</translation>
    </message>
    <message>
        <source>Search any column…</source>
        <translation>Buscar en cualquier columna…</translation>
    </message>
    <message>
        <source>Show all rows</source>
        <translation>Mostrar todas las filas</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>Predicción</translation>
    </message>
    <message>
        <source>Why this score</source>
        <translation>Por qué esta puntuación</translation>
    </message>
    <message>
        <source>What matters overall (model card)</source>
        <translation>Lo que más pesa en general (ficha del modelo)</translation>
    </message>
    <message>
        <source>This row</source>
        <translation>Esta fila</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>En general</translation>
    </message>
    <message>
        <source>&lt;h2&gt;No file open yet&lt;/h2&gt;&lt;p&gt;Open a CSV file or a workbook with &lt;b&gt;File ▸ Open…&lt;/b&gt; (Ctrl+O), drop one on this window, or try &lt;b&gt;File ▸ Open Sample&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Every row is checked against what the model learnt from, scored, and explained.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Aún no hay ningún archivo abierto&lt;/h2&gt;&lt;p&gt;Abra un archivo CSV o un libro con &lt;b&gt;Archivo ▸ Abrir…&lt;/b&gt; (Ctrl+O), arrastre uno a esta ventana o pruebe &lt;b&gt;Archivo ▸ Abrir ejemplo&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Cada fila se comprueba frente a lo que el modelo aprendió, se puntúa y se explica.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Showing {count} row: {description}</source>
        <translation>Se muestra {count} fila: {description}</translation>
    </message>
    <message>
        <source>Showing {count} rows: {description}</source>
        <translation>Mostrando {count} filas: {description}</translation>
    </message>
    <message>
        <source>{shown} of {total} rows; predictions at threshold {threshold}</source>
        <translation>{shown} de {total} filas; predicciones con el umbral {threshold}</translation>
    </message>
    <message>
        <source>&lt;p&gt;Select a row to see its issues and why it got its score.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Seleccione una fila para ver sus problemas y por qué obtuvo su puntuación.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Row {row}&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Fila {row}&lt;/h3&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Not scored&lt;/b&gt;: the row is invalid.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Sin puntuar&lt;/b&gt;: la fila no es válida.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>{prediction} at threshold {threshold}</source>
        <translation>{prediction} con el umbral {threshold}</translation>
    </message>
    <message>
        <source>&lt;p&gt;Probability &lt;b&gt;{probability}&lt;/b&gt;: {decision}&lt;/p&gt;</source>
        <translation>&lt;p&gt;Probabilidad &lt;b&gt;{probability}&lt;/b&gt;: {decision}&lt;/p&gt;</translation>
    </message>
    <message>
        <source> in &lt;b&gt;{column}&lt;/b&gt; (value &apos;{value}&apos;)</source>
        <translation> en &lt;b&gt;{column}&lt;/b&gt; (valor &apos;{value}&apos;)</translation>
    </message>
    <message>
        <source>&lt;p&gt;No issues.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Sin problemas.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errores</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Avisos</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Información</translation>
    </message>
    <message>
        <source>Issue</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Columna</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Filas</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Open a file to check it against what the model was trained on.</source>
        <translation>Abra un archivo para comprobarlo frente a los datos con los que se entrenó el modelo.</translation>
    </message>
    <message>
        <source>Mapped with {name} (&lt;a href=&quot;edit&quot;&gt;Edit…&lt;/a&gt;)</source>
        <translation>Asignado con {name} (&lt;a href=&quot;edit&quot;&gt;Editar…&lt;/a&gt;)</translation>
    </message>
    <message>
        <source>Some features drifted from the training data.</source>
        <translation>Algunas variables se han desviado de los datos de entrenamiento.</translation>
    </message>
    <message>
        <source>: {count} rows</source>
        <translation>: {count} filas</translation>
    </message>
    <message>
        <source>: {count} row</source>
        <translation>: {count} fila</translation>
    </message>
    <message>
        <source>About the file as a whole: {findings}.</source>
        <translation>Sobre el archivo en conjunto: {findings}.</translation>
    </message>
    <message>
        <source>Click an issue below to see its rows.</source>
        <translation>Haga clic en un problema para ver sus filas.</translation>
    </message>
    <message>
        <source>{count} of {rows} rows cannot be scored.</source>
        <translation>{count} de {rows} filas no se pueden puntuar.</translation>
    </message>
    <message>
        <source>The rows do not match the header: {problem}.</source>
        <translation>Las filas no coinciden con el encabezado: {problem}.</translation>
    </message>
    <message>
        <source>The row cannot be scored and has no prediction.</source>
        <translation>La fila no se puede puntuar y no tiene predicción.</translation>
    </message>
    <message>
        <source>{count} of {rows} rows cannot be scored and have no prediction.</source>
        <translation>{count} de {rows} filas no se pueden puntuar y no tienen predicción.</translation>
    </message>
    <message>
        <source>This file has errors.</source>
        <translation>Este archivo tiene errores.</translation>
    </message>
    <message>
        <source>The row has a warning of its own.</source>
        <translation>La fila tiene un aviso propio.</translation>
    </message>
    <message>
        <source>{count} of {rows} rows have a warning of their own.</source>
        <translation>{count} de {rows} filas tienen un aviso propio.</translation>
    </message>
    <message>
        <source>This file can be scored, with warnings.</source>
        <translation>Este archivo se puede puntuar, con avisos.</translation>
    </message>
    <message>
        <source>No problems found in {rows} rows.</source>
        <translation>No se han encontrado problemas en {rows} filas.</translation>
    </message>
    <message>
        <source>No problems found in {rows} row.</source>
        <translation>No se han encontrado problemas en {rows} fila.</translation>
    </message>
    <message>
        <source>Copy the selected row</source>
        <translation>Copiar la fila seleccionada</translation>
    </message>
    <message>
        <source>Training reference values</source>
        <translation>Valores de referencia del entrenamiento</translation>
    </message>
    <message>
        <source>What moves this prediction</source>
        <translation>Qué mueve esta predicción</translation>
    </message>
    <message>
        <source>training range {low} to {high}</source>
        <translation>rango del entrenamiento de {low} a {high}</translation>
    </message>
    <message>
        <source>Probability &lt;b&gt;{probability}&lt;/b&gt;: {label} at threshold {threshold}</source>
        <translation>Probabilidad &lt;b&gt;{probability}&lt;/b&gt;: {label} con el umbral {threshold}</translation>
    </message>
    <message>
        <source>{feature} {value} (training {low}–{high})</source>
        <translation>{feature} {value} (entrenamiento {low}–{high})</translation>
    </message>
    <message>
        <source>Outside the training range: {values}</source>
        <translation>Fuera del rango del entrenamiento: {values}</translation>
    </message>
    <message>
        <source>At the reference values: how far each feature can move the probability</source>
        <translation>En los valores de referencia: cuánto puede mover cada variable la probabilidad</translation>
    </message>
    <message>
        <source>Decision threshold</source>
        <translation>Umbral de decisión</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Error inesperado</translation>
    </message>
    <message>
        <source>Something went wrong: {error}

The app is still usable. The details were saved to {where}.</source>
        <translation>Algo ha fallado: {error}

La aplicación sigue siendo utilizable. Los detalles se han guardado en {where}.</translation>
    </message>
    <message>
        <source>run</source>
        <translation>ejecución</translation>
    </message>
    <message>
        <source>training band</source>
        <translation>banda del entrenamiento</translation>
    </message>
    <message>
        <source>positive rate</source>
        <translation>tasa de positivos</translation>
    </message>
    <message>
        <source>run (blue: score deciles, median darker)</source>
        <translation>ejecución (azul: deciles de puntuación, la mediana más oscura)</translation>
    </message>
    <message>
        <source>test set {auc}</source>
        <translation>conjunto de prueba {auc}</translation>
    </message>
    <message>
        <source>gate {bound}</source>
        <translation>control {bound}</translation>
    </message>
    <message>
        <source>estimated, 95% interval</source>
        <translation>estimado, intervalo del 95 %</translation>
    </message>
    <message>
        <source>run (grey: the estimate does not hold)</source>
        <translation>ejecución (gris: la estimación no es válida)</translation>
    </message>
    <message>
        <source>share of rows</source>
        <translation>proporción de filas</translation>
    </message>
    <message>
        <source>Drift per feature and run (PSI)</source>
        <translation>Deriva por variable y ejecución (PSI)</translation>
    </message>
    <message>
        <source>Scores and positive rate per run</source>
        <translation>Puntuaciones y tasa de positivos por ejecución</translation>
    </message>
    <message>
        <source>Issue rates per run</source>
        <translation>Tasas de problemas por ejecución</translation>
    </message>
    <message>
        <source>Estimated ROC AUC per run (no labels)</source>
        <translation>ROC AUC estimado por ejecución (sin etiquetas)</translation>
    </message>
    <message>
        <source>No scoring runs logged yet. Every file scored here or with `score` is recorded in {path}.</source>
        <translation>Aún no hay ejecuciones registradas. Cada archivo puntuado aquí o con `score` se anota en {path}.</translation>
    </message>
    <message>
        <source>Showing the last scoring run on this machine (from {path}).</source>
        <translation>Se muestra la última ejecución de este equipo (de {path}).</translation>
    </message>
    <message>
        <source>Showing the last {count} scoring runs on this machine (from {path}).</source>
        <translation>Se muestran las últimas {count} ejecuciones de este equipo (de {path}).</translation>
    </message>
    <message>
        <source>No alerts: no feature crossed PSI {psi}, the positive rate stayed in its training band and no estimated ROC AUC fell below the gate.</source>
        <translation>Sin alertas: ninguna variable superó un PSI de {psi}, la tasa de positivos se mantuvo en su banda del entrenamiento y ningún ROC AUC estimado cayó por debajo del control.</translation>
    </message>
    <message>
        <source>Something went wrong ({kind}: {message}). The details were saved to {where}.</source>
        <translation>Algo ha fallado ({kind}: {message}). Los detalles se han guardado en {where}.</translation>
    </message>
    <message>
        <source>&amp;Copy rows</source>
        <translation>&amp;Copiar filas</translation>
    </message>
    <message>
        <source>&amp;Export the rows shown…</source>
        <translation>&amp;Exportar las filas mostradas…</translation>
    </message>
    <message>
        <source>row</source>
        <translation>fila</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>probabilidad</translation>
    </message>
    <message>
        <source>prediction</source>
        <translation>predicción</translation>
    </message>
    <message>
        <source>issues</source>
        <translation>problemas</translation>
    </message>
</context>
</TS>
