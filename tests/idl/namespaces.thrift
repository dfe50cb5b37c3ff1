/** The C prefix comes from `namespace c`; dots become underscores. */
namespace c my.product.api
namespace cpp my.product.api (cpp.note = "annotated namespace")
namespace java com.example.api
namespace py.twisted example.api
namespace * example.api
cpp_include "<vector>"
cpp_include '"local.h"'

struct Named { 1: string name }

const string WHERE = "my_product_api_Named"

service Api { Named get() }
