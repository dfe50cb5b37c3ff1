// Legacy syntax Thrift still parses (or once did): senum, slist, async,
// byte, xsd_* markers, cpp_include, cpp_type, `&` references.
namespace c legacy
cpp_include "<map>"

senum Fruit { "apple", "banana"; "cherry" }

typedef slist OldString

struct Xsd xsd_all {
  1: i32 plain xsd_optional
  2: i32 nillable xsd_nillable
  3: i32 both xsd_optional xsd_nillable
  4: string attributed xsd_attrs { 1: string lang, 2: i32 version }
}

struct Legacy {
  1: Fruit fruit = "apple"
  2: OldString old
  3: slist older
  4: byte b
  5: list<i32> cpp_type "std::vector<int>" ints
  6: list cpp_type "std::list<int>" <i32> ints2
  7: Legacy & self_ref
  8: optional list<Fruit> basket
}

service LegacyService {
  async void fire(1: Fruit f)
  oneway void fire2(1: OldString s)
  byte getByte()
}
