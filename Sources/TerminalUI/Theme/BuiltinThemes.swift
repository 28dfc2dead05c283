/// A copy of `themes/default-dark.yaml` (a test keeps them identical), so meshscope has
/// a working theme when the themes directory is missing.
enum BuiltinThemes {
    static let defaultDark = #"""
# meshscope theme: default-dark
# Light text on the terminal's own (usually dark) background, k9s-like accents.
# Colours: a name (red, bright-blue, orange...), 0-255, "#rrggbb" (mapped to the nearest
# xterm-256 colour) or default (the terminal's own). attrs: bold, dim, underline, reverse, italic, blink.
name: default-dark
styles:
  text:              { fg: default, bg: default }
  dim:               { fg: 245 }
  border:            { fg: "#5f87d7" }
  title:             { fg: "#5fd7ff", attrs: [bold] }
  header.label:      { fg: orange }
  header.value:      { fg: bright-white, attrs: [bold] }
  header.logo:       { fg: "#ffaf00", attrs: [bold] }
  crumb.active:      { fg: black, bg: orange, attrs: [bold] }
  crumb.inactive:    { fg: black, bg: "#5f87d7" }
  table.header:      { fg: bright-white, attrs: [bold] }
  table.row:         { fg: "#87d7ff" }
  table.selected:    { fg: black, bg: "#5fd7ff", attrs: [bold] }
  table.sort:        { fg: orange, attrs: [bold] }
  table.match:       { fg: black, bg: "#d7af00" }
  tabs.active:       { fg: black, bg: orange, attrs: [bold] }
  tabs.inactive:     { fg: 250, bg: 238 }
  hints.key:         { fg: "#5f87ff", attrs: [bold] }
  hints.label:       { fg: 250 }
  prompt:            { fg: bright-white, attrs: [bold] }
  prompt.completion: { fg: 242 }
  flash.info:        { fg: "#87d787" }
  flash.warn:        { fg: "#ffaf00", attrs: [bold] }
  flash.error:       { fg: "#ff5f5f", attrs: [bold] }
  json.key:          { fg: "#5fafff" }
  json.string:       { fg: "#afd787" }
  json.number:       { fg: "#d7af87" }
  json.bool:         { fg: "#d787d7" }
  json.null:         { fg: 244, attrs: [italic] }
  json.punct:        { fg: 248 }
  json.fold:         { fg: orange, attrs: [bold] }
  cursor.line:       { bg: 237 }
  search.match:      { fg: black, bg: "#ffd700" }
  dialog.border:     { fg: orange }
  dialog.text:       { fg: bright-white }
  help.key:          { fg: "#5fafff", attrs: [bold] }
  help.text:         { fg: 252 }
  help.section:      { fg: orange, attrs: [bold, underline] }
  sparkline:         { fg: "#5fd787" }
  status.ok:         { fg: "#5fd787" }
  status.warn:       { fg: "#ffaf00" }
  status.error:      { fg: "#ff5f5f", attrs: [bold] }
  diff.added:        { fg: "#5fd75f" }
  diff.removed:      { fg: "#ff5f5f" }
  diff.hunk:         { fg: "#5fd7ff" }
"""#
}
