/** Services: extends, oneway, void, declared exceptions, defaults. */
namespace c svc

struct Item { 1: string name, 2: i32 count }
exception Invalid { 1: string reason }
exception Busy { 1: i32 retry_ms }

service Base {
  /** Liveness. */
  void ping()
}

/** Keeps items. */
service Store extends Base {
  /** Adds an item; returns the new count. */
  i32 add(1: Item item, 2: bool replace = false) throws (1: Invalid invalid, 2: Busy busy)
  list<Item> items(1: i32 limit, 2: map<string, string> filter)
  void clear() throws (1: Busy busy)
  oneway void log(1: string line, 2: i64 at)
  string get(1: string name, 2: uuid id)
}
