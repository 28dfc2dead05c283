import Foundation
import Testing
@testable import TerminalUI

@Suite struct ThemeTests {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    @Test func builtInDefaultIsTheRepositoryFile() throws {
        let text = try String(contentsOfFile: ThemeTests.themesDir + "/default-dark.yaml", encoding: .utf8)
        #expect(text == BuiltinThemes.defaultDark + "\n" || text == BuiltinThemes.defaultDark)
        #expect(try ThemeParser.parse(text, file: "default-dark.yaml") == Theme.defaultDark)
    }

    @Test func everyBundledThemeParsesAndDefinesEveryRole() throws {
        let names = ["default-dark", "light", "solarized-dark", "high-contrast", "monochrome"]
        for name in names {
            let path = ThemeTests.themesDir + "/\(name).yaml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let theme = try ThemeParser.parse(text, file: path, fallback: nil)
            #expect(theme.name == name)
            // Every role is spelled out in each bundled file (none silently inherited).
            for role in Role.allCases { #expect(text.contains("  \(role.rawValue):"), "\(name) lacks \(role.rawValue)") }
        }
        let mono = try ThemeParser.parse(try String(contentsOfFile: ThemeTests.themesDir + "/monochrome.yaml", encoding: .utf8), file: "m")
        #expect(mono[.tableSelected] == Style(attrs: .reverse))
        let solarized = try ThemeParser.parse(try String(contentsOfFile: ThemeTests.themesDir + "/solarized-dark.yaml", encoding: .utf8), file: "s")
        #expect(solarized[.text].bg == .indexed(ColorParser.nearest256(r: 0x00, g: 0x2b, b: 0x36)))
    }

    @Test func colours() {
        #expect(ColorParser.parse("cyan") == .indexed(6))
        #expect(ColorParser.parse("bright-white") == .indexed(15))
        #expect(ColorParser.parse("208") == .indexed(208))
        #expect(ColorParser.parse("default") == .default)
        #expect(ColorParser.parse("256") == nil)
        #expect(ColorParser.parse("blu") == nil)
        #expect(ColorParser.parse("#ff8700") == .indexed(208))
        #expect(ColorParser.parse("#000000") == .indexed(16))
        #expect(ColorParser.parse("#FFFFFF") == .indexed(231))
        #expect(ColorParser.parse("#808080") == .indexed(244))   // grey ramp beats the cube
        #expect(ColorParser.parse("#5f87d7") == .indexed(68))
        #expect(ColorParser.parse("#002b36") == .indexed(234))   // Solarized's own 256-colour base03
        #expect(ColorParser.parse("#12345") == nil)
    }

    @Test func badColourNamesLineAndKey() {
        let yaml = "name: mine\nstyles:\n  text: { fg: default }\n  table.header: { fg: blu, attrs: [bold] }\n"
        #expect(throws: ThemeError(file: "mine.yaml", line: 4, key: "styles.table.header.fg",
                                   message: "unknown colour \"blu\" (use a name, 0-255, #rrggbb or default)")) {
            try ThemeParser.parse(yaml, file: "mine.yaml")
        }
    }

    @Test func unknownRoleAttributeAndKey() {
        do {
            _ = try ThemeParser.parse("name: x\nstyles:\n  tabel.header: { fg: red }\n", file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.key == "styles.tabel.header")
            #expect(error.description.hasPrefix("x.yaml:3: styles.tabel.header: unknown role"))
        }
        do {
            _ = try ThemeParser.parse("name: x\nstyles:\n  text:\n    attrs: [bold, shiny]\n", file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "x.yaml:4: styles.text.attrs: unknown attribute \"shiny\" (known: bold, dim, underline, reverse, italic, blink)")
        }
        do {
            _ = try ThemeParser.parse("name: x\ncolours: {}\n", file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "x.yaml:2: colours: unknown key (expected name, description, styles)")
        }
    }

    @Test func invalidYAMLNamesTheLine() {
        do {
            _ = try ThemeParser.parse("name: x\nstyles:\n  text: { fg: red\n  dim: {}\n", file: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line != nil)
            #expect(error.description.contains("not valid YAML"))
        }
    }

    @Test func partialUserThemeInheritsTheDefault() throws {
        let t = try ThemeParser.parse("name: mine\nstyles:\n  table.selected: { fg: black, bg: \"#ffaf00\" }\n", file: "mine.yaml")
        #expect(t[.tableSelected] == Style(fg: .black, bg: .indexed(214)))
        #expect(t[.tableHeader] == Theme.defaultDark[.tableHeader])
    }

    @Test func loaderPrecedenceAndFallback() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-theme-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try FileManager.default.createDirectory(atPath: tmp + "/meshscope/themes", withIntermediateDirectories: true)
        try "name: mine\nstyles:\n  text: { fg: red }\n".write(toFile: tmp + "/meshscope/themes/mine.yaml", atomically: true, encoding: .utf8)
        try "name: broken\nstyles:\n  text: { fg: nope }\n".write(toFile: tmp + "/meshscope/themes/broken.yaml", atomically: true, encoding: .utf8)
        try "theme: light\n".write(toFile: tmp + "/meshscope/config.yaml", atomically: true, encoding: .utf8)

        let base = ["XDG_CONFIG_HOME": tmp]
        let dirs = [ThemeTests.themesDir]
        // Config file only.
        #expect(ThemeLoader(environment: base, themeDirectories: dirs).load(requested: nil).theme.name == "light")
        // The environment beats the config file; the flag beats both.
        var env = base
        env["MESHSCOPE_THEME"] = "solarized-dark"
        #expect(ThemeLoader(environment: env, themeDirectories: dirs).load(requested: nil).theme.name == "solarized-dark")
        #expect(ThemeLoader(environment: env, themeDirectories: dirs).load(requested: "mine").theme[.text] == Style(fg: .red))
        // A bad file falls back to the default and says where and why.
        let (t, warnings) = ThemeLoader(environment: base, themeDirectories: dirs).load(requested: "broken")
        #expect(t == Theme.defaultDark)
        #expect(warnings == ["\(tmp)/meshscope/themes/broken.yaml:3: styles.text.fg: unknown colour \"nope\" (use a name, 0-255, #rrggbb or default); using default-dark"])
        // Unknown names too; a missing themes directory still gives the built-in default.
        let (t2, w2) = ThemeLoader(environment: base, themeDirectories: ["/nonexistent"]).load(requested: "nosuch")
        #expect(t2 == Theme.defaultDark)
        #expect(w2.first?.contains("theme \"nosuch\" (from --theme) not found") == true)
        #expect(ThemeLoader(environment: base, themeDirectories: dirs).availableNames() == ["broken", "default-dark", "high-contrast", "light", "mine", "monochrome", "solarized-dark"])
    }

    @Test func noColorKeepsAttributes() {
        let t = Theme.defaultDark.withoutColor
        // Highlighted by background before: reverse video now.
        #expect(t[.tableSelected] == Style(attrs: [.bold, .reverse]))
        #expect(t[.tabInactive] == Style(attrs: .reverse))
        #expect(t[.tableHeader] == Style(attrs: .bold))
        #expect(t[.tableRow] == Style())
        // A theme whose text has a background does not turn everything reversed.
        let solarized = try! ThemeParser.parse(String(contentsOfFile: ThemeTests.themesDir + "/solarized-dark.yaml", encoding: .utf8), file: "s").withoutColor
        #expect(solarized[.text] == Style())
        #expect(solarized[.tableRow] == Style())
        #expect(solarized[.tableSelected] == Style(attrs: [.bold, .reverse]))
        #expect(TerminalOptions.noColor(environment: ["NO_COLOR": "1"]))
        #expect(!TerminalOptions.noColor(environment: ["NO_COLOR": ""]))
        #expect(!TerminalOptions.noColor(environment: [:]))
    }

    @Test func basicColourFallback() {
        #expect(Palette.nearestBasic(196, count: 16) == 9)   // #ff0000 → bright red
        #expect(Palette.nearestBasic(21, count: 8) == 4)     // #0000ff → blue
        #expect(Palette.nearestBasic(3, count: 8) == 3)
    }
}
