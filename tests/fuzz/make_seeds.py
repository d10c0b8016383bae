import struct, json, os, sys
out = sys.argv[1]
npy_dir = os.path.join(out, 'npy'); st_dir = os.path.join(out, 'safetensors')
os.makedirs(npy_dir, exist_ok=True); os.makedirs(st_dir, exist_ok=True)

def npy(dict_text, data, version=b'\x01\x00', pad=True):
    header = dict_text
    if pad:
        while (10 + len(header) + 1) % 64: header += ' '
        header += '\n'
    h = header.encode('latin1')
    return b'\x93NUMPY' + version + struct.pack('<H', len(h)) + h + data

def f4(*values): return struct.pack('<%df' % len(values), *values)
def std(descr, shape): 
    return "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)

npy_seeds = {
  'valid_f4_scalar': npy(std('<f4', '()'), f4(1.5)),
  'valid_f4_2x3': npy(std('<f4', '(2, 3)'), f4(0, 1, -1, 2.5, 1e-3, -7)),
  'valid_f4_empty_0x16': npy(std('<f4', '(0, 16)'), b''),
  'valid_u1_4': npy(std('|u1', '(4,)'), bytes([0, 1, 9, 255])),
  'valid_u1_1x1x2x2': npy(std('|u1', '(1, 1, 2, 2)'), bytes([3, 1, 4, 1])),
  'valid_f4_other_spelling': npy('{"shape":(3,),\t"fortran_order":False,"descr":"<f4"}', f4(1, 2, 3)),
  'bad_magic': b'\x93NUMPX' + npy(std('<f4', '(1,)'), f4(1))[6:],
  'bad_version_2_0': npy(std('<f4', '(1,)'), f4(1), version=b'\x02\x00'),
  'bad_truncated_header': npy(std('<f4', '(1,)'), b'')[:40],
  'bad_truncated_data': npy(std('<f4', '(2, 2)'), f4(1, 2, 3)),
  'bad_trailing_bytes': npy(std('<f4', '(1,)'), f4(1) + b'\x00'),
  'bad_fortran_order': npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f4(1, 2, 3, 4)),
  'bad_big_endian': npy(std('>f4', '(1,)'), f4(1)),
  'bad_shape_overflow': npy(std('<f4', '(4294967296, 4294967296, 2)'), b''),
  'bad_shape_not_tuple': npy(std('<f4', '(3)'), f4(1, 2, 3)),
  'bad_duplicate_key': npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4(1)),
  'bad_unknown_key': npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", f4(1)),
  'bad_escape_in_string': npy("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,), }", f4(1)),
  'bad_header_length_past_end': b'\x93NUMPY\x01\x00\xff\xff{}',
}
for name, data in npy_seeds.items():
    open(os.path.join(npy_dir, name + '.npy'), 'wb').write(data)

def st(header, data=b'', pad=True, length=None):
    h = header if isinstance(header, bytes) else json.dumps(header, separators=(',', ':')).encode()
    if pad: h += b' ' * ((8 - len(h) % 8) % 8)
    return struct.pack('<Q', len(h) if length is None else length) + h + data

def t(shape, begin, end, dtype='F32'): return {'dtype': dtype, 'shape': shape, 'data_offsets': [begin, end]}

st_seeds = {
  'valid_one_tensor': st({'w': t([2, 2], 0, 16)}, f4(1, 2, 3, 4)),
  'valid_metadata_two_tensors': st({'__metadata__': {'format': 'pt'}, 'b': t([2], 8, 16), 'a': t([1, 2], 0, 8)}, f4(1, 2, 3, 4), pad=False),
  'valid_empty': st({}),
  'valid_zero_size_and_scalar': st({'z': t([0, 3], 0, 0), 's': t([], 0, 4)}, f4(9)),
  'bad_length_absurd': struct.pack('<Q', 1 << 62) + b'{}',
  'bad_length_past_end': st({'w': t([1], 0, 4)}, f4(1), length=4096),
  'bad_nul_in_header': st(b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}\x00  ', f4(1)),
  'bad_not_object': st([1, 2, 3]),
  'bad_duplicate_key': st(b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f4(1)),
  'bad_overlap': st({'a': t([2], 0, 8), 'b': t([2], 4, 12)}, f4(1, 2, 3)),
  'bad_gap': st({'a': t([1], 4, 8)}, f4(1, 2)),
  'bad_trailing': st({'a': t([1], 0, 4)}, f4(1, 2)),
  'bad_dtype_f16': st({'a': t([2], 0, 4, 'F16')}, f4(1)),
  'bad_negative_extent': st(b'{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', f4(1)),
  'bad_fractional_extent': st(b'{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', f4(1)),
  'bad_shape_overflow': st({'a': t([1 << 32, 1 << 32, 4], 0, 0)}),
  'bad_metadata_not_strings': st({'__metadata__': {'n': 1}, 'a': t([1], 0, 4)}, f4(1)),
  'bad_deep_nesting': st(b'{"a":' + b'[' * 200 + b']' * 200 + b'}'),
  'bad_invalid_utf8_key': st(b'{"\xff\xfe":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f4(1)),
  'valid_escaped_control_key': st(b'{"a\\u0000\\n":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f4(1)),
  'bad_offsets_reversed': st({'a': t([0], 4, 0)}, f4(1)),
}
for name, data in st_seeds.items():
    open(os.path.join(st_dir, name + '.safetensors'), 'wb').write(data)
