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
        <source>{message} Loading it…</source>
        <translation>{message} Cargándolo…</translation>
    </message>
    <message>
        <source>Open a file to score</source>
        <translation>Abrir un archivo para puntuar</translation>
    </message>
    <message>
        <source>Busy; wait for the current job or cancel it.</source>
        <translation>Ocupado; espere a que termine la tarea actual o cancélela.</translation>
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
        <source>{name}: {rows} rows ({ok} ok, {warning} warning, {invalid} invalid); {form}</source>
        <translation>{name}: {rows} filas ({ok} bien, {warning} con aviso, {invalid} no válidas); {form}</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(ninguno todavía)</translation>
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
        <source>Exported {path}</source>
        <translation>Exportado {path}</translation>
    </message>
    <message>
        <source>Writing the report {name}…</source>
        <translation>Escribiendo el informe {name}…</translation>
    </message>
    <message>
        <source>The report cannot be written</source>
        <translation>No se puede escribir el informe</translation>
    </message>
    <message>
        <source>Report cancelled; no file was written.</source>
        <translation>Informe cancelado; no se ha escrito ningún archivo.</translation>
    </message>
    <message>
        <source>Export charts to folder</source>
        <translation>Exportar los gráficos a una carpeta</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n chart(s) to {folder}</source>
        <translation>
            <numerusform>Guardado %n gráfico en {folder}</numerusform>
            <numerusform>Guardados %n gráficos en {folder}</numerusform>
        </translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>ScoreDesk will be in {language} the next time it starts.</source>
        <translation>ScoreDesk estará en {language} la próxima vez que se inicie.</translation>
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
        <source>Values: the selected column takes any value.</source>
        <translation>Valores: la columna seleccionada admite cualquier valor.</translation>
    </message>
    <message>
        <source>Save the mapping</source>
        <translation>Guardar la asignación</translation>
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
        <source>The shipped model is active after a rollback to it; pick an installed version.</source>
        <translation>El modelo incluido queda activo tras volver a él; elija una versión instalada.</translation>
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
        <source>This file</source>
        <translation>Este archivo</translation>
    </message>
    <message>
        <source>This file: estimated (no labels yet)</source>
        <translation>Este archivo: estimado (aún sin etiquetas)</translation>
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
        <source>{count} of {rows} rows cannot be scored and have no prediction.</source>
        <translation>{count} de {rows} filas no se pueden puntuar y no tienen predicción.</translation>
    </message>
    <message>
        <source>This file has errors.</source>
        <translation>Este archivo tiene errores.</translation>
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
        <source>Decision threshold</source>
        <translation>Umbral de decisión</translation>
    </message>
</context>
</TS>
