/**
 * The data source's built-in corpus: short developer-documentation snippets in several languages.
 * English entries are plain ASCII except the two about emoji; the others carry accents, kana and kanji.
 */

/** One document of the corpus. */
export interface CorpusDocument {
  readonly id: string
  /** BCP 47 language of the title and text. */
  readonly lang: string
  readonly title: string
  readonly text: string
}

/**
 * Every document the data source can return, in a fixed order.
 * @example corpus.filter((doc) => doc.lang === 'fr')
 */
export const corpus: readonly CorpusDocument[] = [
  {
    id: 'en-fetch-stream',
    lang: 'en',
    title: 'Reading a fetch response as a stream',
    text: 'The body of a fetch Response is a ReadableStream of Uint8Array chunks. Iterate it with for await to process data as it arrives. Chunk boundaries are arbitrary: a multi-byte character may be split across two chunks, so decode the body with a TextDecoder in streaming mode. Call response.body.cancel() if you stop reading early.',
  },
  {
    id: 'en-retry-backoff',
    lang: 'en',
    title: 'Retrying failed requests',
    text: 'Retry only idempotent requests such as GET and PUT. Wait with exponential backoff: base delay times two to the power of the attempt, plus random jitter so that clients do not retry in lockstep. Give up after a fixed number of attempts and surface the last error to the caller.',
  },
  {
    id: 'en-abort-timeout',
    lang: 'en',
    title: 'Request timeouts with AbortSignal',
    text: 'Pass AbortSignal.timeout(ms) as the signal option to cancel a request that takes too long. The promise then rejects with a TimeoutError. Combine a user cancel and a deadline with AbortSignal.any so that either one stops the request.',
  },
  {
    id: 'en-lru-cache',
    lang: 'en',
    title: 'A small LRU cache',
    text: 'A least recently used cache keeps a bounded number of entries. On every read, move the entry to the most recent position; when the cache is full, evict the least recently used entry. A Map keeps insertion order, which makes a small LRU cache easy to write.',
  },
  {
    id: 'en-keep-alive',
    lang: 'en',
    title: 'HTTP keep-alive in Node.js',
    text: 'Node.js reuses TCP connections through its agent. Set keepAlive to true to avoid a new handshake for every call. On shutdown, close idle sockets with server.closeAllConnections() so that the process can exit.',
  },
  {
    id: 'en-gitmoji',
    lang: 'en',
    title: 'Emoji in commit messages 🎨',
    text: 'Start a commit message with one emoji that says what the commit does: ✨ for a new feature, 🐛 for a bug fix, 🚑️ for a critical hotfix, 📝 for docs, ♻️ for a refactor, ✅ for tests and 🔥 to remove code. 🐛 fixes reference the issue they close. Keep the summary line under 72 characters 👍.',
  },
  {
    id: 'en-release-notes',
    lang: 'en',
    title: 'Writing release notes 🚀',
    text: 'Group the changes under headings with an emoji each: 🚀 Features, 🐛 Bug fixes, ⚡️ Performance and ⚠️ Breaking changes. Put breaking changes first 💥, say how to migrate, and thank every contributor 🙏🎉.',
  },
  {
    id: 'en-review-reactions',
    lang: 'en',
    title: 'Emoji reactions in code review 👀',
    text: 'Reviewers react with 👀 when they start looking, 👍 to approve a change, 🎉 to celebrate a merge and 🤔 to ask a question without blocking. A 🐛 reaction flags a bug that must be fixed before merging, and 🚧 marks work in progress. Bots count 👍 and 👎 to decide when a change is ready to ship 🚢.',
  },
  {
    id: 'fr-fetch-flux',
    lang: 'fr',
    title: 'Lire une réponse fetch en flux',
    text: 'Le corps d’une réponse fetch est un ReadableStream de fragments Uint8Array. Parcourez-le avec for await pour traiter les données dès leur arrivée, sans attendre la fin du téléchargement. Les limites des fragments sont arbitraires : un caractère accentué peut être coupé entre deux fragments, décodez donc le corps avec un TextDecoder en mode flux, qui conserve les octets incomplets jusqu’au fragment suivant.',
  },
  {
    id: 'fr-abort',
    lang: 'fr',
    title: 'Annuler une requête avec AbortController',
    text: 'Créez un AbortController et passez son signal à fetch. Appelez controller.abort() pour annuler la requête ; la promesse est alors rejetée avec une AbortError, que l’on distingue des autres erreurs grâce à son nom. Pour un délai d’expiration, préférez AbortSignal.timeout(ms), qui annule la requête sans qu’on ait à gérer de minuterie ni à libérer de ressources soi-même.',
  },
  {
    id: 'fr-cache',
    lang: 'fr',
    title: 'Mettre des réponses en cache',
    text: 'Un cache LRU conserve un nombre limité d’entrées. À chaque lecture, l’entrée devient la plus récente ; quand le cache est plein, on évince la moins récemment utilisée. Vérifiez l’en-tête Cache-Control avant de réutiliser une réponse déjà reçue.',
  },
  {
    id: 'fr-erreurs',
    lang: 'fr',
    title: 'Gérer les erreurs réseau',
    text: 'Une erreur réseau rejette la promesse de fetch, alors qu’un statut HTTP 404 ou 500 la résout normalement. Vérifiez response.ok et levez une erreur explicite qui précise l’adresse demandée et le statut reçu. Réessayez seulement les requêtes idempotentes, avec un délai croissant entre deux tentatives, et abandonnez après un nombre fixé d’échecs.',
  },
  {
    id: 'es-timeout',
    lang: 'es',
    title: 'Configurar el tiempo de espera de una petición',
    text: 'Pasa AbortSignal.timeout(ms) como señal para cancelar una petición que tarda demasiado en responder. La promesa se rechaza entonces con un TimeoutError y la conexión se cierra automáticamente. Si además quieres que el usuario pueda cancelarla, combina ambas señales con AbortSignal.any; así cualquiera de las dos detiene la petición. Elige el límite según la latencia típica del servicio y añade un margen razonable.',
  },
  {
    id: 'es-stream',
    lang: 'es',
    title: 'Leer el cuerpo de la respuesta por fragmentos',
    text: 'El cuerpo de la respuesta es un flujo de bytes que llega en fragmentos de tamaño arbitrario. Léelo con for await y decodifica cada fragmento con un TextDecoder en modo stream; así los caracteres como ñ, á, é o ü no se rompen cuando caen entre dos fragmentos. No conviertas cada fragmento por separado con toString(): la decodificación sólo es correcta si conserva el estado entre un fragmento y el siguiente.',
  },
  {
    id: 'es-json',
    lang: 'es',
    title: 'Validar el JSON de entrada',
    text: 'Nunca confíes en el cuerpo de una petición. Analiza el JSON dentro de un try y valida cada campo: tipo, longitud y valores permitidos. Responde con el código 400 y un mensaje claro cuando la validación falla; así el cliente sabrá qué corregir antes de repetir la petición.',
  },
  {
    id: 'es-logs',
    lang: 'es',
    title: 'Registros en producción',
    text: 'En producción, registra sólo advertencias y errores para reducir el volumen. Añade la región y el identificador de la petición a cada línea; así podrás correlacionar los registros de varios servicios cuando algo falle a las tres de la mañana.',
  },
  {
    id: 'es-reintentos',
    lang: 'es',
    title: 'Reintentos con espera exponencial',
    text: 'Reintenta únicamente las peticiones idempotentes. Duplica el tiempo de espera después de cada intento fallido y añade una variación aleatoria, para que los clientes no vuelvan todos a la vez. Después de un número máximo de intentos, devuelve el último error al código que hizo la petición.',
  },
  {
    id: 'de-stream',
    lang: 'de',
    title: 'Große Dateien als Stream übertragen',
    text: 'Lies große Dateien nicht vollständig in den Speicher. Öffne einen Lesestream mit fs.createReadStream und leite ihn mit pipeline() an die Antwort weiter; so bleibt der Speicherverbrauch gleich, auch wenn die Datei größer als der verfügbare Arbeitsspeicher ist. Fehler auf beiden Seiten werden zuverlässig behandelt, und pipeline() schließt alle Streams, sobald die Übertragung endet oder abbricht.',
  },
  {
    id: 'de-encoding',
    lang: 'de',
    title: 'Zeichenkodierung prüfen',
    text: 'Umlaute wie ä, ö und ü sowie das ß belegen in UTF-8 zwei Bytes. Wer einen Puffer an einer beliebigen Grenze zerschneidet, zerstört solche Zeichen; ein TextDecoder mit stream: true hält unvollständige Sequenzen zurück, bis der Rest eintrifft. Prüfe außerdem, ob der Server im Content-Type-Header die Kodierung angibt, bevor du große Antworten in Stücken liest.',
  },
  {
    id: 'de-timeouts',
    lang: 'de',
    title: 'Zeitüberschreitungen für Anfragen',
    text: 'Setze für jede ausgehende Anfrage eine Zeitüberschreitung. Mit AbortSignal.timeout() bricht fetch die Anfrage nach der angegebenen Zeit ab; fange den TimeoutError ab und liefere eine verständliche Fehlermeldung. Wähle die Grenze anhand der üblichen Antwortzeiten und füge einen großzügigen Puffer hinzu.',
  },
  {
    id: 'de-retry',
    lang: 'de',
    title: 'Wiederholungen mit Backoff',
    text: 'Wiederhole fehlgeschlagene Anfragen nur, wenn sie idempotent sind. Verdopple die Wartezeit nach jedem Versuch und füge zufälligen Jitter hinzu, damit nicht alle Clients gleichzeitig zurückkehren.',
  },
  {
    id: 'de-speicher',
    lang: 'de',
    title: 'Speicherverbrauch überwachen',
    text: 'Beobachte den Speicherverbrauch über process.memoryUsage() und löse eine Warnung aus, bevor der Heap voll ist. Große Puffer gehören nicht in den Speicher, sondern in Streams; für Dateien über einigen Megabyte ist das Übertragen in Stücken fast immer günstiger und schont die Größe des Heaps.',
  },
  {
    id: 'ja-stream',
    lang: 'ja',
    title: 'fetchのレスポンスをストリームとして読む',
    text: 'fetchのレスポンス本体はUint8ArrayのReadableStreamです。for awaitで受信したデータを順に処理できます。チャンクの境界は任意なので、マルチバイト文字が二つのチャンクに分かれることがあります。TextDecoderをストリームモードで使ってください。',
  },
  {
    id: 'ja-timeout',
    lang: 'ja',
    title: 'リクエストのタイムアウト',
    text: 'AbortSignal.timeout()をsignalオプションに渡すと、時間内に終わらないリクエストを中断できます。中断されたPromiseはTimeoutErrorで拒否されます。',
  },
  {
    id: 'ja-cache',
    lang: 'ja',
    title: 'LRUキャッシュの使い方',
    text: 'LRUキャッシュは最近使われていないエントリから削除します。Mapは挿入順を保つので、読み取りのたびにエントリを削除して再挿入すれば簡単に実装できます。',
  },
  {
    id: 'ja-errors',
    lang: 'ja',
    title: 'レスポンスのエラー処理',
    text: 'fetchはHTTPステータスが404や500でも拒否されません。response.okを確認し、分かりやすいエラーを投げてください。',
  },
]
