// cpp_insanity_less.cpp: ThriftTest.thrift's CrazyNesting holds a
// set<Insanity>, and Thrift C++ keeps sets in std::set, so the generated code
// declares Insanity::operator< and leaves its definition to the program
// (Apache Thrift's own test programs write one too). Any strict order does:
// the C++ peers never put an Insanity in a set.
#include "ThriftTest_types.h"

namespace thrift {
namespace test {

bool Insanity::operator<(const Insanity& other) const
{
    if (userMap != other.userMap)
        return userMap < other.userMap;
    return xtructs.size() < other.xtructs.size();
}

}  // namespace test
}  // namespace thrift
