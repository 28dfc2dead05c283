/// What a styled piece of the screen is; a theme gives each role a ``Style``.
/// The raw values are the keys written in `themes/*.yaml`.
public enum Role: String, CaseIterable, Sendable {
    case text
    case dim
    case border
    case title
    case headerLabel = "header.label"
    case headerValue = "header.value"
    case headerLogo = "header.logo"
    case crumbActive = "crumb.active"
    case crumbInactive = "crumb.inactive"
    case tableHeader = "table.header"
    case tableRow = "table.row"
    case tableSelected = "table.selected"
    case tableSortMarker = "table.sort"
    case tableMatch = "table.match"
    case tabActive = "tabs.active"
    case tabInactive = "tabs.inactive"
    case hintKey = "hints.key"
    case hintLabel = "hints.label"
    case prompt
    case promptCompletion = "prompt.completion"
    case flashInfo = "flash.info"
    case flashWarn = "flash.warn"
    case flashError = "flash.error"
    case jsonKey = "json.key"
    case jsonString = "json.string"
    case jsonNumber = "json.number"
    case jsonBool = "json.bool"
    case jsonNull = "json.null"
    case jsonPunct = "json.punct"
    case jsonFold = "json.fold"
    case cursorLine = "cursor.line"
    case searchMatch = "search.match"
    case dialogBorder = "dialog.border"
    case dialogText = "dialog.text"
    case helpKey = "help.key"
    case helpText = "help.text"
    case helpSection = "help.section"
    case sparkline
    case statusOK = "status.ok"
    case statusWarn = "status.warn"
    case statusError = "status.error"
    case diffAdded = "diff.added"
    case diffRemoved = "diff.removed"
    case diffHunk = "diff.hunk"
}
