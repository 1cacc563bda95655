/* What buble needs of ES2015's library and Duktape lacks, for the
 * transpiler's own heap only (user code never sees these): Map, Set, WeakMap
 * on arrays (buble's maps stay small), String.fromCodePoint. */
(function (global) {
	function ArrayMap() {
		this._keys = [];
		this._values = [];
		this.size = 0;
	}
	ArrayMap.prototype.get = function (k) {
		var i = this._keys.indexOf(k);
		return i < 0 ? undefined : this._values[i];
	};
	ArrayMap.prototype.has = function (k) {
		return this._keys.indexOf(k) >= 0;
	};
	ArrayMap.prototype.set = function (k, v) {
		var i = this._keys.indexOf(k);
		if (i < 0) {
			this._keys.push(k);
			this._values.push(v);
			this.size++;
		} else {
			this._values[i] = v;
		}
		return this;
	};
	ArrayMap.prototype['delete'] = function (k) {
		var i = this._keys.indexOf(k);
		if (i < 0)
			return false;
		this._keys.splice(i, 1);
		this._values.splice(i, 1);
		this.size--;
		return true;
	};
	ArrayMap.prototype.forEach = function (f, self) {
		for (var i = 0; i < this._keys.length; i++)
			f.call(self, this._values[i], this._keys[i], this);
	};
	function ArraySet() {
		this._map = new ArrayMap();
		this.size = 0;
	}
	ArraySet.prototype.add = function (v) {
		this._map.set(v, v);
		this.size = this._map.size;
		return this;
	};
	ArraySet.prototype.has = function (v) {
		return this._map.has(v);
	};
	ArraySet.prototype['delete'] = function (v) {
		var found = this._map['delete'](v);
		this.size = this._map.size;
		return found;
	};
	ArraySet.prototype.forEach = function (f, self) {
		this._map.forEach(function (v) { f.call(self, v, v, this); }, this);
	};
	global.Map = global.Map || ArrayMap;
	global.Set = global.Set || ArraySet;
	global.WeakMap = global.WeakMap || ArrayMap;
	String.fromCodePoint = String.fromCodePoint || function () {
		var s = '';
		for (var i = 0; i < arguments.length; i++) {
			var c = arguments[i];
			if (c > 0xffff) {
				c -= 0x10000;
				s += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
			} else {
				s += String.fromCharCode(c);
			}
		}
		return s;
	};
})(this);
var module = { exports: {} }, exports = module.exports;
