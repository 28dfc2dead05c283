// Fixtures from ../shared/fixtures, shared by every test target.
@_exported import MeshTestSupport
