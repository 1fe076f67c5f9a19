//! A raster basemap from a tile server the user names (off by default): tiles are fetched
//! as images (with CORS, so the map stays exportable), kept as textures and drawn as
//! quads under the hexagons. A tile not yet loaded shows its nearest loaded ancestor.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use skyhex_core::map::camera::Camera;
use skyhex_core::map::tiles::{TileKey, tiles_in_view};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{
    HtmlImageElement, WebGl2RenderingContext as Gl, WebGlBuffer, WebGlProgram, WebGlTexture,
    WebGlUniformLocation, WebGlVertexArrayObject,
};

use super::webgl::{link_program, set_sampling, upload};

const VERTEX_SHADER: &str = r"#version 300 es
layout(location = 0) in vec2 a_corner;
uniform vec2 u_origin_px;
uniform float u_tile_px;
uniform vec2 u_viewport_px;
out vec2 v_uv;
void main() {
    vec2 px = u_origin_px + a_corner * u_tile_px;
    gl_Position = vec4(px.x / u_viewport_px.x * 2.0 - 1.0, 1.0 - px.y / u_viewport_px.y * 2.0, 0.0, 1.0);
    v_uv = a_corner;
}
";

const FRAGMENT_SHADER: &str = r"#version 300 es
precision mediump float;
uniform sampler2D u_tile;
in vec2 v_uv;
out vec4 colour;
void main() {
    colour = texture(u_tile, v_uv);
}
";

/// Tiles kept as textures at most; past it the ones out of view are let go.
const MAX_CACHED_TILES: usize = 512;

/// Levels up a missing tile looks for a loaded ancestor to stand in.
const ANCESTOR_LEVELS: u8 = 6;

#[derive(Debug)]
enum Tile {
    /// The image is on its way; its handlers stay alive until it lands.
    Loading {
        _image: HtmlImageElement,
        _handlers: [Closure<dyn Fn()>; 2],
    },
    Ready(WebGlTexture),
    Failed,
}

/// What tile loading reports to the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TileCounts {
    pub loaded: u32,
    pub failed: u32,
}

pub struct TileLayer {
    gl: Gl,
    template: String,
    program: WebGlProgram,
    corners: WebGlVertexArrayObject,
    quad: WebGlBuffer,
    origin_px: Option<WebGlUniformLocation>,
    tile_px: Option<WebGlUniformLocation>,
    viewport_px: Option<WebGlUniformLocation>,
    cache: Rc<RefCell<HashMap<TileKey, Tile>>>,
    on_change: Rc<dyn Fn(TileCounts)>,
    counts: Rc<RefCell<TileCounts>>,
}

impl std::fmt::Debug for TileLayer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("TileLayer").field("template", &self.template).finish_non_exhaustive()
    }
}

impl TileLayer {
    /// Tiles from `template`; `on_change` is told whenever a tile lands or fails (the map
    /// is then drawn again).
    pub fn new(gl: &Gl, template: &str, on_change: Rc<dyn Fn(TileCounts)>) -> Result<Self, String> {
        let program = link_program(gl, VERTEX_SHADER, FRAGMENT_SHADER)?;
        let corners = gl.create_vertex_array().ok_or("cannot create a WebGL vertex array")?;
        gl.bind_vertex_array(Some(&corners));
        let quad = js_sys::Float32Array::from([0.0_f32, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0].as_slice());
        let quad = upload(gl, Gl::ARRAY_BUFFER, &quad).ok_or("cannot create a WebGL buffer")?;
        gl.enable_vertex_attrib_array(0);
        gl.vertex_attrib_pointer_with_i32(0, 2, Gl::FLOAT, false, 0, 0);
        gl.bind_vertex_array(None);
        let uniform = |name: &str| gl.get_uniform_location(&program, name);
        Ok(Self {
            gl: gl.clone(),
            template: template.to_owned(),
            origin_px: uniform("u_origin_px"),
            tile_px: uniform("u_tile_px"),
            viewport_px: uniform("u_viewport_px"),
            program,
            corners,
            quad,
            cache: Rc::default(),
            on_change,
            counts: Rc::default(),
        })
    }

    pub fn template(&self) -> &str {
        &self.template
    }

    /// Draws the view's tiles (asking for those not yet fetched): first, for tiles still
    /// loading, their nearest loaded ancestors, then every loaded tile over them.
    pub fn draw(&self, camera: &Camera) {
        let wanted = tiles_in_view(camera);
        self.forget_far_tiles(&wanted);
        let mut stand_ins: Vec<(TileKey, WebGlTexture)> = Vec::new();
        let mut loaded: Vec<(TileKey, WebGlTexture)> = Vec::new();
        for &tile in &wanted {
            match self.texture(tile) {
                Some(texture) => loaded.push((tile, texture)),
                None => {
                    if !self.cache.borrow().contains_key(&tile.in_world()) {
                        self.fetch(tile.in_world());
                    }
                    if let Some(found) = self.loaded_ancestor(tile)
                        && !stand_ins.iter().any(|(known, _)| *known == found.0)
                    {
                        stand_ins.push(found);
                    }
                }
            }
        }
        let gl = &self.gl;
        gl.use_program(Some(&self.program));
        gl.uniform2f(self.viewport_px.as_ref(), camera.viewport_px.x as f32, camera.viewport_px.y as f32);
        gl.bind_vertex_array(Some(&self.corners));
        gl.active_texture(Gl::TEXTURE0);
        for (tile, texture) in stand_ins.iter().chain(&loaded) {
            let origin = camera.screen_from_world(tile.bounds().min);
            gl.bind_texture(Gl::TEXTURE_2D, Some(texture));
            gl.uniform2f(self.origin_px.as_ref(), origin.x as f32, origin.y as f32);
            gl.uniform1f(self.tile_px.as_ref(), (camera.scale_px() * tile.size()) as f32);
            gl.draw_arrays(Gl::TRIANGLE_STRIP, 0, 4);
        }
        gl.bind_vertex_array(None);
    }

    /// The texture of a tile (wherever in the world's copies), once loaded.
    fn texture(&self, tile: TileKey) -> Option<WebGlTexture> {
        match self.cache.borrow().get(&tile.in_world()) {
            Some(Tile::Ready(texture)) => Some(texture.clone()),
            _ => None,
        }
    }

    /// The nearest loaded ancestor of a tile, placed on the same world copy.
    fn loaded_ancestor(&self, tile: TileKey) -> Option<(TileKey, WebGlTexture)> {
        (1..=ANCESTOR_LEVELS.min(tile.z)).find_map(|up| {
            let ancestor = TileKey { z: tile.z - up, x: tile.x >> up, y: tile.y >> up };
            self.texture(ancestor).map(|texture| (ancestor, texture))
        })
    }

    fn fetch(&self, tile: TileKey) {
        let Ok(image) = HtmlImageElement::new() else { return };
        // Anonymous CORS: a server that allows it gives a texture the PNG export can read.
        image.set_cross_origin(Some("anonymous"));
        let on_load = {
            let (gl, cache, image, on_change, counts) = (
                self.gl.clone(),
                Rc::clone(&self.cache),
                image.clone(),
                Rc::clone(&self.on_change),
                Rc::clone(&self.counts),
            );
            Closure::<dyn Fn()>::new(move || {
                let texture = texture_of(&gl, &image);
                let ready = texture.map_or(Tile::Failed, Tile::Ready);
                cache.borrow_mut().insert(tile, ready);
                counts.borrow_mut().loaded += 1;
                on_change(*counts.borrow());
            })
        };
        let on_error = {
            let (cache, on_change, counts) =
                (Rc::clone(&self.cache), Rc::clone(&self.on_change), Rc::clone(&self.counts));
            Closure::<dyn Fn()>::new(move || {
                cache.borrow_mut().insert(tile, Tile::Failed);
                counts.borrow_mut().failed += 1;
                on_change(*counts.borrow());
            })
        };
        image.set_onload(Some(on_load.as_ref().unchecked_ref()));
        image.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        image.set_src(&tile.url(&self.template));
        self.cache.borrow_mut().insert(tile, Tile::Loading { _image: image, _handlers: [on_load, on_error] });
    }

    /// Lets go of loaded textures once there are too many, keeping those in view and
    /// their ancestors (the coarse levels are few and stand in for missing tiles).
    fn forget_far_tiles(&self, wanted: &[TileKey]) {
        let mut cache = self.cache.borrow_mut();
        if cache.len() <= MAX_CACHED_TILES {
            return;
        }
        let keep = |key: &TileKey| {
            wanted.iter().any(|tile| {
                let home = tile.in_world();
                key.z <= home.z && home.x >> (home.z - key.z) == key.x && home.y >> (home.z - key.z) == key.y
            })
        };
        cache.retain(|key, tile| {
            let kept = keep(key) || matches!(tile, Tile::Loading { .. });
            if let (false, Tile::Ready(texture)) = (kept, &*tile) {
                self.gl.delete_texture(Some(texture));
            }
            kept
        });
    }
}

impl Drop for TileLayer {
    fn drop(&mut self) {
        for tile in self.cache.borrow().values() {
            if let Tile::Ready(texture) = tile {
                self.gl.delete_texture(Some(texture));
            }
        }
        self.gl.delete_vertex_array(Some(&self.corners));
        self.gl.delete_buffer(Some(&self.quad));
        self.gl.delete_program(Some(&self.program));
    }
}

fn texture_of(gl: &Gl, image: &HtmlImageElement) -> Option<WebGlTexture> {
    let texture = gl.create_texture()?;
    gl.bind_texture(Gl::TEXTURE_2D, Some(&texture));
    gl.tex_image_2d_with_u32_and_u32_and_html_image_element(
        Gl::TEXTURE_2D,
        0,
        Gl::RGBA as i32,
        Gl::RGBA,
        Gl::UNSIGNED_BYTE,
        image,
    )
    .ok()?;
    set_sampling(gl, Gl::LINEAR);
    Some(texture)
}
