# Each struct holds two defaulted fields of the next: the defaults instance
# of S0 would hold 2^40 values.
# expect: default and constant values expand to more than 1048576 values
struct S0 { 1: S1 a = {}, 2: S1 b = {} }
struct S1 { 1: S2 a = {}, 2: S2 b = {} }
struct S2 { 1: S3 a = {}, 2: S3 b = {} }
struct S3 { 1: S4 a = {}, 2: S4 b = {} }
struct S4 { 1: S5 a = {}, 2: S5 b = {} }
struct S5 { 1: S6 a = {}, 2: S6 b = {} }
struct S6 { 1: S7 a = {}, 2: S7 b = {} }
struct S7 { 1: S8 a = {}, 2: S8 b = {} }
struct S8 { 1: S9 a = {}, 2: S9 b = {} }
struct S9 { 1: S10 a = {}, 2: S10 b = {} }
struct S10 { 1: S11 a = {}, 2: S11 b = {} }
struct S11 { 1: S12 a = {}, 2: S12 b = {} }
struct S12 { 1: S13 a = {}, 2: S13 b = {} }
struct S13 { 1: S14 a = {}, 2: S14 b = {} }
struct S14 { 1: S15 a = {}, 2: S15 b = {} }
struct S15 { 1: S16 a = {}, 2: S16 b = {} }
struct S16 { 1: S17 a = {}, 2: S17 b = {} }
struct S17 { 1: S18 a = {}, 2: S18 b = {} }
struct S18 { 1: S19 a = {}, 2: S19 b = {} }
struct S19 { 1: S20 a = {}, 2: S20 b = {} }
struct S20 { 1: S21 a = {}, 2: S21 b = {} }
struct S21 { 1: S22 a = {}, 2: S22 b = {} }
struct S22 { 1: S23 a = {}, 2: S23 b = {} }
struct S23 { 1: S24 a = {}, 2: S24 b = {} }
struct S24 { 1: S25 a = {}, 2: S25 b = {} }
struct S25 { 1: S26 a = {}, 2: S26 b = {} }
struct S26 { 1: S27 a = {}, 2: S27 b = {} }
struct S27 { 1: S28 a = {}, 2: S28 b = {} }
struct S28 { 1: S29 a = {}, 2: S29 b = {} }
struct S29 { 1: S30 a = {}, 2: S30 b = {} }
struct S30 { 1: S31 a = {}, 2: S31 b = {} }
struct S31 { 1: S32 a = {}, 2: S32 b = {} }
struct S32 { 1: S33 a = {}, 2: S33 b = {} }
struct S33 { 1: S34 a = {}, 2: S34 b = {} }
struct S34 { 1: S35 a = {}, 2: S35 b = {} }
struct S35 { 1: S36 a = {}, 2: S36 b = {} }
struct S36 { 1: S37 a = {}, 2: S37 b = {} }
struct S37 { 1: S38 a = {}, 2: S38 b = {} }
struct S38 { 1: S39 a = {}, 2: S39 b = {} }
struct S39 { 1: S40 a = {}, 2: S40 b = {} }
struct S40 { 1: i32 x = 1 }
